# Build glue: one helper per kind of target, with the same defaults everywhere.
#   ledger_warnings    INTERFACE: our warning set, errors for our code only
#   ledger_add_library(name SOURCES ... [DEPS ...])    a folder's library, alias ledger::<short>
#   ledger_add_test(name SOURCES ... [DEPS ...] [LABELS ...] [FIXTURES ...] [TIMESCALEDB])
#                      a GoogleTest binary, discovered; TIMESCALEDB: its tests run a second time,
#                      named timescaledb.<test>, against the "timescaledb" fixture's cluster

add_library(ledger_warnings INTERFACE)
target_compile_options(ledger_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Wnon-virtual-dtor
  -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
# -Wnull-dereference is left out: GCC 12 reports it inside libstdc++'s own inlined code
# (std::vector<std::string> growth in CLI11), a known false positive we cannot silence locally.

option(LEDGER_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(ledger_sanitizers INTERFACE)
if(LEDGER_SANITIZE)
  target_compile_options(ledger_sanitizers INTERFACE -fsanitize=address,undefined
                         -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(ledger_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

function(ledger_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  string(REGEX REPLACE "^ledger_" "" short ${name})
  add_library(ledger::${short} ALIAS ${name})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} ledger_sanitizers
                        PRIVATE ${ARG_PRIVATE_DEPS} ledger_warnings)
endfunction()

# TimescaleDB for test runs: used when installed for PostgreSQL 15 (scripts/setup builds it from
# ../shared/third_party/ when that is there; the vendor's package works as well). Looked up on
# every configure, so installing it later and re-running cmake turns the suites on.
find_file(LEDGER_TIMESCALEDB_LOADER timescaledb.so PATHS /usr/lib/postgresql/15/lib
          NO_DEFAULT_PATH NO_CACHE)
if(LEDGER_TIMESCALEDB_LOADER)
  set(LEDGER_TEST_TIMESCALEDB ON)
  message(STATUS "TimescaleDB found (${LEDGER_TIMESCALEDB_LOADER}): suites marked TIMESCALEDB "
                 "also run on it")
else()
  set(LEDGER_TEST_TIMESCALEDB OFF)
  message(STATUS "TimescaleDB not installed for PostgreSQL 15: its test suites are left out "
                 "(scripts/timescaledb installs it)")
endif()

# Writes the script that sets the list-valued properties of the tests in list `tests_var`.
function(ledger_test_properties script tests_var env labels fixtures)
  set(extra "")
  if(labels)
    string(APPEND extra " LABELS \"${labels}\"")
  endif()
  if(fixtures)
    string(APPEND extra " FIXTURES_REQUIRED \"${fixtures}\"")
  endif()
  file(WRITE ${script}
       "if(${tests_var})\n"
       "  set_tests_properties(\${${tests_var}} PROPERTIES ENVIRONMENT \"${env}\"${extra})\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()

include(GoogleTest)
function(ledger_add_test name)
  cmake_parse_arguments(ARG "TIMESCALEDB" "TIMEOUT" "SOURCES;DEPS;LABELS;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main
                        ledger_warnings ledger_sanitizers)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${ARG_TIMEOUT})
  # gtest_discover_tests flattens list values in PROPERTIES (only a list's first item would
  # survive: "kafka;postgres" became "kafka"), so every list-valued property is set by a script
  # ctest runs after the discovered tests exist.
  set(env_common "LEDGER_BIN=${CMAKE_BINARY_DIR}/cli/ledger;LEDGER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  ledger_test_properties(${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake ${name}_TESTS
                         "LEDGER_TEST_STATE_DIR=${CMAKE_BINARY_DIR}/test-state;${env_common}"
                         "${ARG_LABELS}" "${ARG_FIXTURES}")
  if(ARG_TIMESCALEDB AND LEDGER_TEST_TIMESCALEDB)
    # The same tests on TimescaleDB: a state dir whose postgres/ is the "timescaledb" fixture's
    # cluster and whose kafka/ is a link to the shared broker's (tests/CMakeLists.txt).
    gtest_discover_tests(${name} TEST_PREFIX "timescaledb." TEST_LIST ${name}_TIMESCALEDB_TESTS
                         DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${ARG_TIMEOUT})
    list(TRANSFORM ARG_FIXTURES REPLACE "^postgres$" "timescaledb" OUTPUT_VARIABLE fixtures)
    set(labels ${ARG_LABELS} timescaledb)
    ledger_test_properties(
      ${CMAKE_CURRENT_BINARY_DIR}/${name}_timescaledb_properties.cmake
      ${name}_TIMESCALEDB_TESTS
      "LEDGER_TEST_STATE_DIR=${CMAKE_BINARY_DIR}/test-state-timescaledb;${env_common}"
      "${labels}" "${fixtures}")
  endif()
endfunction()

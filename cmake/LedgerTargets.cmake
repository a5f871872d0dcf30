# Build glue: one helper per kind of target, with the same defaults everywhere.
#   ledger_warnings    INTERFACE: our warning set, errors for our code only
#   ledger_add_library(name SOURCES ... [DEPS ...])    a folder's library, alias ledger::<short>
#   ledger_add_test(name SOURCES ... [DEPS ...] [LABELS ...])  a GoogleTest binary, discovered

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

include(GoogleTest)
function(ledger_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS;FIXTURES" ${ARGN})
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
  set(env_script ${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake)
  set(env "LEDGER_TEST_STATE_DIR=${CMAKE_BINARY_DIR}/test-state;LEDGER_BIN=${CMAKE_BINARY_DIR}/cli/ledger;LEDGER_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  set(extra "")
  if(ARG_LABELS)
    string(APPEND extra " LABELS \"${ARG_LABELS}\"")
  endif()
  if(ARG_FIXTURES)
    string(APPEND extra " FIXTURES_REQUIRED \"${ARG_FIXTURES}\"")
  endif()
  file(WRITE ${env_script}
       "if(${name}_TESTS)\n"
       "  set_tests_properties(\${${name}_TESTS} PROPERTIES ENVIRONMENT \"${env}\"${extra})\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${env_script})
endfunction()

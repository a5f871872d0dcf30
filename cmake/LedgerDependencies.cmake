# Finds every third-party dependency once, from Debian's packages (see .ci/setup).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(benchmark REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++)
pkg_check_modules(RDKAFKA_C REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# libpq itself, for binary COPY (libpqxx 6.4 streams text only): projector/src/binary_copy.cpp.
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
find_package(rapidcheck REQUIRED)   # target: rapidcheck; gtest glue is header-only <rapidcheck/gtest.h>
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

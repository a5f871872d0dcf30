# Every image of the deployment, from one file (docker-compose.yml names the targets):
#   ledger            the `ledger` binary on a slim runtime (projector, migrate, demo, publish);
#                     the binary is compiled in a builder stage (LEDGER_BINARY=compile) or
#                     taken prebuilt from deploy/ledger/prebuilt/ (LEDGER_BINARY=prebuilt)
#   kafka             Apache Kafka in KRaft mode, from the same Maven artifacts and version as
#                     the local broker; data in the volume /var/lib/kafka/data
#   prometheus        Debian's Prometheus with deploy/prometheus/prometheus.yml
#   postgres-partman  PostgreSQL 15 + pg_partman from Debian's packages: the compose test's
#                     fallback database when the TimescaleDB source tarball is absent
#   postgres-timescaledb  postgres-partman + TimescaleDB 2.28.3 (full edition, TSL included)
#                     built from the unmodified upstream source tarball, which the build takes
#                     from deploy/postgres/timescaledb-src/timescaledb-${TIMESCALEDB_VERSION}.tar.gz
#                     (gitignored; tests/compose/run.sh copies it there from
#                     ../shared/third_party/); the build tools stay in the stage
#                     timescaledb-build. Preloads the extension with telemetry off (the same
#                     settings as `ledger db start`). The compose test's database when the
#                     tarball is there; docker-compose.yml itself uses the upstream
#                     timescale/timescaledb image.
#
# BASE is any Debian bookworm image; users get the normal one, the compose test passes a base
# made locally by deploy/base/make-local-base.sh. The kafka target needs the broker's jars in
# deploy/kafka/libs/ (deploy/kafka/fetch-libs.sh puts them there; Maven runs on the host, not
# here). No secret is ever copied into an image: passwords come from the environment or from
# files mounted at run time (see docker-compose.yml).
#
# Works with BuildKit (which builds only the stages a target needs) and with the classic
# builder (which builds every stage up to the target: the cheap ones come first, and the two
# TimescaleDB stages, which need the tarball, come last, after ledger).
ARG BASE=debian:bookworm-slim
ARG LEDGER_BINARY=compile

# ---------------------------------------------------------------------------------------------
FROM ${BASE} AS postgres-partman
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql-15 postgresql-15-partman postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY deploy/postgres/entrypoint.sh /usr/local/bin/ledger-postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["ledger-postgres-entrypoint"]
CMD ["postgres"]

# ---------------------------------------------------------------------------------------------
FROM ${BASE} AS prometheus
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
COPY deploy/prometheus/prometheus.yml /etc/prometheus/prometheus.yml
COPY deploy/http-healthcheck.sh /usr/local/bin/http-healthcheck
USER prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", \
     "--web.listen-address=:9090"]

# ---------------------------------------------------------------------------------------------
FROM ${BASE} AS kafka
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/kafka --shell /usr/sbin/nologin kafka \
 && mkdir -p /var/lib/kafka/data /etc/kafka && chown -R kafka:kafka /var/lib/kafka
COPY deploy/kafka/libs/ /opt/kafka/libs/
COPY deploy/kafka/server.properties deploy/kafka/log4j2.properties deploy/kafka/log4j2-tools.properties /etc/kafka/
COPY deploy/kafka/entrypoint.sh /usr/local/bin/kafka-entrypoint
COPY deploy/kafka/healthcheck.sh /usr/local/bin/kafka-healthcheck
COPY deploy/kafka/create-topic.sh /usr/local/bin/kafka-create-topic
COPY deploy/kafka/kafka-tool.sh /usr/local/bin/kafka-tool
USER kafka
VOLUME /var/lib/kafka/data
EXPOSE 9092
ENTRYPOINT ["kafka-entrypoint"]

# ---------------------------------------------------------------------------------------------
# The ledger binary comes from one of two stages, chosen by LEDGER_BINARY:
#   compile   (default) the builder below: Debian's -dev packages, the `ledger` target only,
#             no tests, the project's usual RelWithDebInfo flags, stripped;
#   prebuilt  a binary built on a Debian bookworm host, put with the list of its runtime
#             packages into deploy/ledger/prebuilt/ (tests/compose/run.sh does this to skip a
#             second C++ build in CI; see deploy/ledger/prebuilt/README.md).
# Both leave /out/usr/local/bin/ledger and /out/runtime-packages.txt.
FROM ${BASE} AS ledger-prebuilt
COPY deploy/ledger/prebuilt/ /out/

FROM ${BASE} AS ledger-compile
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake ninja-build pkg-config \
      librdkafka-dev libpqxx-dev libprotobuf-dev protobuf-compiler libspdlog-dev libfmt-dev \
      libcli11-dev libgtest-dev librapidcheck-dev libcpp-httplib-dev libbenchmark-dev \
      nlohmann-json3-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/share/ledger
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake/ cmake/
COPY events/ events/
COPY producer/ producer/
COPY schema/ schema/
COPY projector/ projector/
COPY queries/ queries/
COPY cli/ cli/
COPY tests/ tests/
ARG LEDGER_BUILD_JOBS=2
RUN cmake -S . -B /tmp/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
 && cmake --build /tmp/build -j "${LEDGER_BUILD_JOBS}" --target ledger \
 && install -D -m 0755 -s /tmp/build/cli/ledger /out/usr/local/bin/ledger \
 && rm -rf /tmp/build
COPY deploy/ledger/runtime-packages.sh /tmp/runtime-packages.sh
RUN /tmp/runtime-packages.sh /out/usr/local/bin/ledger >/out/runtime-packages.txt \
 && cat /out/runtime-packages.txt

FROM ledger-${LEDGER_BINARY} AS ledger-binary

# ---------------------------------------------------------------------------------------------
FROM ${BASE} AS ledger
COPY --from=ledger-binary /out/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive xargs -a /tmp/runtime-packages.txt \
      apt-get install -y -qq --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --system --home-dir /var/lib/ledger --create-home --shell /usr/sbin/nologin ledger
# Migrations and named queries (queries/sql): pass --migrations-dir
# /usr/share/ledger/schema/migrations (the compiled-in default is the build machine's path).
COPY schema/migrations/ /usr/share/ledger/schema/migrations/
COPY queries/ /usr/share/ledger/queries/
COPY --from=ledger-binary /out/usr/local/bin/ledger /usr/local/bin/ledger
COPY deploy/ledger/entrypoint.sh /usr/local/bin/ledger-entrypoint
COPY deploy/http-healthcheck.sh /usr/local/bin/http-healthcheck
USER ledger
WORKDIR /var/lib/ledger
ENTRYPOINT ["ledger-entrypoint"]
CMD ["--help"]

# ---------------------------------------------------------------------------------------------
# TimescaleDB for PostgreSQL 15, built from source: pinned to the 2.28 line, the newest that
# supports PostgreSQL 15 (2.29.0 dropped it). The same flags as scripts/timescaledb; installed
# into /out so the image gets the extension's files and none of the build tools.
FROM postgres-partman AS timescaledb-build
ARG TIMESCALEDB_VERSION=2.28.3
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      build-essential cmake postgresql-server-dev-15 libssl-dev libkrb5-dev \
 && rm -rf /var/lib/apt/lists/*
COPY deploy/postgres/timescaledb-src/timescaledb-${TIMESCALEDB_VERSION}.tar.gz /tmp/timescaledb.tar.gz
ARG LEDGER_BUILD_JOBS=2
RUN mkdir /tmp/timescaledb \
 && tar -xzf /tmp/timescaledb.tar.gz -C /tmp/timescaledb --strip-components=1 \
 && version="$(sed -n 's/^version = *//p' /tmp/timescaledb/version.config | head -n1)" \
 && { [ "$version" = "${TIMESCALEDB_VERSION}" ] \
      || { echo "timescaledb tarball is version '$version', expected ${TIMESCALEDB_VERSION}" >&2; exit 1; }; } \
 && cd /tmp/timescaledb \
 && ./bootstrap -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF \
      -DWARNINGS_AS_ERRORS=OFF -DGENERATE_DOWNGRADE_SCRIPT=OFF -DSEND_TELEMETRY_DEFAULT=OFF \
      -DPG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/tmp/configure.log \
 && make -C build -j "${LEDGER_BUILD_JOBS}" >/tmp/build.log \
 && make -C build install DESTDIR=/out >/tmp/install.log \
 && find /out -name '*.so' -exec strip --strip-unneeded {} + \
 && ls /out/usr/lib/postgresql/15/lib/timescaledb.so \
       "/out/usr/lib/postgresql/15/lib/timescaledb-${TIMESCALEDB_VERSION}.so" \
       "/out/usr/lib/postgresql/15/lib/timescaledb-tsl-${TIMESCALEDB_VERSION}.so" \
       /out/usr/share/postgresql/15/extension/timescaledb.control

FROM postgres-partman AS postgres-timescaledb
COPY --from=timescaledb-build /out/ /
# Appended to postgresql.conf by the entry point when it initialises $PGDATA (as
# `ledger db start` does): preload, no telemetry (by default the extension reports to the
# vendor), and workers for the policy jobs (the ledger keeps 3 compression and 1 retention job
# per schema; a replay adds a rebuild schema's for a while).
RUN mkdir -p /etc/ledger-postgres/conf.d \
 && printf '%s\n' "# TimescaleDB (Dockerfile target postgres-timescaledb)" \
      "shared_preload_libraries = 'timescaledb'" \
      "timescaledb.telemetry_level = off" \
      "max_worker_processes = 32" \
      "timescaledb.max_background_workers = 16" \
      >/etc/ledger-postgres/conf.d/timescaledb.conf

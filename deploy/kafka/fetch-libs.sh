#!/usr/bin/env bash
# Puts the Kafka image's jars into deploy/kafka/libs/ (the Dockerfile's kafka target copies
# them): Apache Kafka's broker at the version the local broker uses (local/kafka/pom.xml,
# falling back to this folder's pom.xml default), plus kafka-tools and the log4j2 bridge.
# Maven resolves them on the host (~/.m2 and Maven Central); nothing is downloaded inside an
# image build. The list is cached per version under ${LEDGER_CACHE_DIR:-$HOME/.cache/ledger}.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
broker_pom="$root/local/kafka/pom.xml"

version="${LEDGER_KAFKA_VERSION:-}"
if [ -z "$version" ] && [ -f "$broker_pom" ]; then
  # The version the local broker pins: the kafka_2.13 dependency's <version>, or a
  # <kafka.version> property it refers to.
  version="$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$broker_pom" | head -1)"
  if [ -z "$version" ]; then
    version="$(tr -d '\n' <"$broker_pom" |
      sed -n 's:.*<artifactId>kafka_2.13</artifactId>[[:space:]]*<version>\([^<$]*\)</version>.*:\1:p')"
  fi
fi
version="${version:-$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$here/pom.xml")}"

cache="${LEDGER_CACHE_DIR:-$HOME/.cache/ledger}/docker/kafka-image-${version}/libs"
if [ ! -f "$cache/kafka_2.13-${version}.jar" ]; then
  echo "fetch-libs: resolving Apache Kafka ${version} with Maven"
  rm -rf "$cache.tmp"
  mvn -q -B -f "$here/pom.xml" -Dkafka.version="$version" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$cache.tmp"
  rm -rf "$cache" && mv "$cache.tmp" "$cache"
fi
rm -rf "$here/libs"
mkdir -p "$here/libs"
cp "$cache"/*.jar "$here/libs/"
echo "$version" >"$here/libs/VERSION"
echo "fetch-libs: Apache Kafka ${version}: $(ls "$here/libs" | grep -c '\.jar$') jars in deploy/kafka/libs"

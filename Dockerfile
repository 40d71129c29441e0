# syntax=docker/dockerfile:1.7
#
# One Dockerfile, one target per image, tagged with the chart's appVersion (the tag the chart pulls by default;
# the jars inside keep the Maven version, VERSION below):
#   docker build --target controller -t <registry>/ndjson-parquet/controller:0.1.0 .
#   docker build --target spark      -t <registry>/ndjson-parquet/spark:0.1.0 .
# Versions are build arguments; deploy/src/test/java/.../DockerfileTest checks them against the root pom,
# and checks that every path copied below is one the Maven build makes.

# Project version (the jars are named <module>-<VERSION>.jar).
ARG VERSION=0.1.0-SNAPSHOT
# Java release the project compiles for.
ARG JAVA_VERSION=17
# Spark, Scala and Hadoop of the Spark image; they must match the versions spark-app is built against.
ARG SPARK_VERSION=4.2.0
ARG SCALA_BINARY_VERSION=2.13
ARG HADOOP_VERSION=3.5.0
# Base images, pinned to exact releases (override with an @sha256 digest to pin harder).
ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17.0.16_8-jre-noble
ARG SPARK_IMAGE=apache/spark:${SPARK_VERSION}-scala${SCALA_BINARY_VERSION}-java${JAVA_VERSION}-ubuntu
# Fixed non-root user of the controller image; the chart's controller.securityContext.runAsUser matches.
ARG CONTROLLER_UID=10001

# ---------------------------------------------------------------------------------------------------
# build: compiles common, tables, spark-app and controller and packages their jars and runtime classpaths. Only
# production modules are built: tools and spark-tools (demo, run, plan, convert, bench, read-table, with their
# embedded SQS, mock Kubernetes API and DuckDB) are never in an image; deploy's ImageClasspathTest lists the jars.
FROM ${MAVEN_IMAGE} AS build
WORKDIR /build
# Dependency layer: only the poms first (every module's: Maven reads them all), so a source change reuses the
# downloaded dependencies.
COPY pom.xml ./
COPY common/pom.xml common/
COPY tables/pom.xml tables/
COPY spark-app/pom.xml spark-app/
COPY test-support/pom.xml test-support/
COPY controller/pom.xml controller/
COPY spark-tools/pom.xml spark-tools/
COPY tools/pom.xml tools/
COPY deploy/pom.xml deploy/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl common,spark-app,controller -am dependency:go-offline -DexcludeGroupIds=dev.ndjsonparquet
COPY common/src common/src
COPY tables/src tables/src
COPY spark-app/src spark-app/src
COPY test-support/src test-support/src
COPY controller/src controller/src
ARG VERSION
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl common,spark-app,controller -am package -DskipTests \
 && test -f controller/target/controller-${VERSION}.jar \
 && test -f spark-app/target/spark-app-${VERSION}.jar \
 && mkdir -p /out/controller /out/spark \
 && cp controller/target/controller-${VERSION}.jar /out/controller/controller.jar \
 && cp -r controller/target/lib /out/controller/lib \
 && cp spark-app/target/spark-app-${VERSION}.jar /out/spark/ndjson-parquet-spark-app.jar \
 && cp -r spark-app/target/lib /out/spark/lib

# ---------------------------------------------------------------------------------------------------
# spark-deps: picks from spark-app's runtime classpath the jars the Spark image lacks (hadoop-aws, the
# AWS SDK v2 modules S3A needs, spark-hadoop-cloud for the magic committer, the project's common jar),
# so the image never carries two versions of a library Spark already has.
FROM ${SPARK_IMAGE} AS spark-deps
ARG HADOOP_VERSION
USER root
COPY --from=build /out/spark/lib/ /tmp/lib/
RUN set -eu; \
    test -f /opt/spark/jars/hadoop-client-api-${HADOOP_VERSION}.jar \
      || { echo "the Spark image's Hadoop is not ${HADOOP_VERSION}, hadoop-aws would not match" >&2; exit 1; }; \
    mkdir -p /out/jars; \
    for jar in /tmp/lib/*.jar; do \
      name="$(basename "$jar")"; artifact="$(echo "$name" | sed -E 's/-[0-9].*$//')"; \
      if ! ls /opt/spark/jars/"$artifact"-[0-9]*.jar >/dev/null 2>&1; then cp "$jar" /out/jars/; fi; \
    done; \
    test -n "$(ls /out/jars/hadoop-aws-${HADOOP_VERSION}.jar)"

# ---------------------------------------------------------------------------------------------------
# controller: the dispatcher, the manifest builder and table maintenance (JRE only, no Spark on the classpath).
FROM ${JRE_IMAGE} AS controller
ARG VERSION
ARG CONTROLLER_UID
LABEL org.opencontainers.image.title="ndjson-parquet controller" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/ndjson-parquet/ndjson-parquet"
RUN groupadd --system --gid ${CONTROLLER_UID} ndjson \
 && useradd --system --uid ${CONTROLLER_UID} --gid ${CONTROLLER_UID} --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin ndjson
COPY --from=build /out/controller/lib/ /opt/ndjson-parquet/lib/
COPY --from=build /out/controller/controller.jar /opt/ndjson-parquet/controller.jar
WORKDIR /tmp
USER ${CONTROLLER_UID}:${CONTROLLER_UID}
EXPOSE 8080
ENTRYPOINT ["java", "-cp", "/opt/ndjson-parquet/controller.jar:/opt/ndjson-parquet/lib/*", "dev.ndjsonparquet.controller.cli.Main"]
CMD ["dispatcher"]

# ---------------------------------------------------------------------------------------------------
# spark: the official Apache Spark image of the same Spark version, plus the application jar (where the
# chart's mainApplicationFile points) and the S3A dependencies. Runs as Spark's own user (185).
FROM ${SPARK_IMAGE} AS spark
ARG VERSION
LABEL org.opencontainers.image.title="ndjson-parquet spark" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/ndjson-parquet/ndjson-parquet"
COPY --from=spark-deps /out/jars/ /opt/spark/jars/
COPY --from=build /out/spark/ndjson-parquet-spark-app.jar /opt/spark/jars/ndjson-parquet-spark-app.jar
USER 185

# Image for click-processor on a JDK 25 JRE, with an AOT cache (JEP 483/514/515) made at image build time: a fresh
# instance gets to Kafka Streams RUNNING sooner (docs/docker-compose.md, "Images").
# Build context is the repository root, after `./mvnw -pl click-processor -am package -DskipTests`:
#   docker build -f docker/click-processor.Dockerfile -t affixo/click-processor .
# (click-processor.Dockerfile.dockerignore keeps the context to that one jar.)
#
# Why JDK 25 while the build is JDK 17: the jar is Java 17 bytecode, which a JDK 25 runtime runs unchanged; only
# JDK 24+ has the AOT cache. Both stages use the same base image, and the cache is made in the final one, because
# a cache only works with the JDK build and the files (same paths, same jars) it was made with.
# docker/aot-check.sh runs these same RUN commands without Docker (JDK 25) and starts the app on the cache.
FROM eclipse-temurin:25-jre AS extract
WORKDIR /build
COPY click-processor/target/click-processor.jar click-processor.jar
# Spring Boot's extracted layout (a cache has no effect on the fat jar), in layers: dependencies change less often.
RUN java -Djarmode=tools -jar click-processor.jar extract --layers --destination extracted

FROM eclipse-temurin:25-jre

# curl for the compose health check (GET /actuator/health/readiness on the management port)
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app affixo

WORKDIR /app
COPY --from=extract /build/extracted/dependencies/ ./
COPY --from=extract /build/extracted/spring-boot-loader/ ./
COPY --from=extract /build/extracted/snapshot-dependencies/ ./
COPY --from=extract /build/extracted/application/ ./

# The training run (Spring Boot's documented one): the context refreshes, the JVM exits at once and writes the
# cache of the classes it loaded and linked. The build has no Kafka and no PostgreSQL, and needs neither: exiting
# on refresh means no lifecycle bean starts, so Kafka Streams (its topic check included), the lag monitor and the
# scheduled jobs never run; the topology and the user-agent parser are still built. The lag monitor's admin client
# is created and logs "could not be established" until the exit; that is expected. The one database access during
# refresh is Flyway's migration, hence spring.flyway.enabled=false here only; the running app migrates as always.
# A failed refresh exits non-zero and fails the build (it would still write a cache, of fewer classes). Same JVM
# flags as the ENTRYPOINT.
RUN java -XX:MaxRAMPercentage=75 -XX:AOTCacheOutput=app.aot \
    -Dspring.context.exit=onRefresh -Dspring.flyway.enabled=false -jar click-processor.jar

USER affixo
# Configured only by environment variables (see docs/docker-compose.md): DATABASE_URL, DATABASE_USER,
# DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS, MANAGEMENT_PORT (its one HTTP server: health, Prometheus)
# and AFFIXO_* settings.
ENV MANAGEMENT_PORT=9081
EXPOSE 9081
# An unusable cache (e.g. other JVM flags such as -XX:+UseZGC given through JAVA_TOOL_OPTIONS) only costs the
# speed-up: the JVM starts without it. Add -Xlog:aot to see whether it was loaded.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:AOTCache=app.aot", "-jar", "click-processor.jar"]

# Image for click-processor: the jar the Maven build produced, on a plain JRE 17.
# Build context is the repository root, after `./mvnw -pl click-processor -am package -DskipTests`:
#   docker build -f docker/click-processor.Dockerfile -t affixo/click-processor .
# (click-processor.Dockerfile.dockerignore keeps the context to that one jar.)
FROM eclipse-temurin:17-jre

# curl for the compose health check (GET /actuator/health/readiness on the management port)
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app affixo

COPY click-processor/target/click-processor.jar /app/click-processor.jar

USER affixo
WORKDIR /app
# Configured only by environment variables (see docs/docker-compose.md): DATABASE_URL, DATABASE_USER,
# DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS, MANAGEMENT_PORT (its one HTTP server: health, Prometheus)
# and AFFIXO_* settings.
ENV MANAGEMENT_PORT=9081
EXPOSE 9081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/click-processor.jar"]

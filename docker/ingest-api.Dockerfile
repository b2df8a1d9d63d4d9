# Image for ingest-api: the jar the Maven build produced, on a plain JRE 17.
# Build context is the repository root, after `./mvnw -pl ingest-api -am package -DskipTests`:
#   docker build -f docker/ingest-api.Dockerfile -t affixo/ingest-api .
# (ingest-api.Dockerfile.dockerignore keeps the context to that one jar.)
FROM eclipse-temurin:17-jre

# curl for the compose health check (GET /actuator/health/readiness on the management port)
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app affixo

COPY ingest-api/target/ingest-api.jar /app/ingest-api.jar

USER affixo
WORKDIR /app
# Configured only by environment variables (see docs/docker-compose.md): DATABASE_URL, DATABASE_USER,
# DATABASE_PASSWORD, KAFKA_BOOTSTRAP_SERVERS, PORT (the API), MANAGEMENT_PORT (health, Prometheus) and
# AFFIXO_* settings.
ENV PORT=8080 MANAGEMENT_PORT=9080
EXPOSE 8080 9080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/ingest-api.jar"]

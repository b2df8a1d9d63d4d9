# Image for the affixo-admin CLI (docker-compose's one-shot `topics` and `seed` services).
# Build context is the repository root, after `./mvnw -pl admin -am package -DskipTests`:
#   docker build -f docker/admin.Dockerfile -t affixo/admin .
FROM eclipse-temurin:17-jre

RUN useradd --system --uid 10001 --home-dir /app affixo
COPY admin/target/affixo-admin.jar /app/affixo-admin.jar

USER affixo
WORKDIR /app
# Reads DATABASE_URL, DATABASE_USER, DATABASE_PASSWORD (database commands), KAFKA_BOOTSTRAP_SERVERS and
# AFFIXO_TOPIC_* (topics create); arguments are an affixo-admin command.
ENTRYPOINT ["java", "-jar", "/app/affixo-admin.jar"]
CMD ["--help"]

#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine. `mvn verify` already runs the same checks
# (local/src/test/java/dev/affixo/local/DockerComposeFileTest.java); this adds `docker compose config`
# (or Debian's docker-compose) where one is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if docker compose version >/dev/null 2>&1; then
  docker compose -f docker-compose.yml config --quiet && echo "docker compose config: OK"
elif command -v docker-compose >/dev/null 2>&1; then
  docker-compose -f docker-compose.yml config --quiet && echo "docker-compose config: OK"
else
  echo "no docker compose CLI; run: ./mvnw -pl local -am test -Dtest=DockerComposeFileTest -Dsurefire.failIfNoSpecifiedTests=false"
fi

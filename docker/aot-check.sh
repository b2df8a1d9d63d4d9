#!/usr/bin/env bash
# Proves a service image's AOT cache without a Docker engine: runs the RUN commands of docker/<service>.Dockerfile
# themselves (read from the file, not copied) with a local JDK 25, then starts the app the way its ENTRYPOINT does
# against a real Kafka and PostgreSQL, with -XX:AOTMode=on (the JVM refuses to start on a cache it cannot use).
# Not run by CI (CI has JDK 17 only, and each service takes tens of seconds); run it after changing a service's
# dependencies, its start-up or its Dockerfile. docs/docker-compose.md ("Images") has what it measured.
#
#   ./mvnw -B -pl ingest-api,click-processor -am package -DskipTests
#   java -jar local/target/affixo-local.jar --infra-only --data-dir /tmp/infra &   # Kafka, PostgreSQL, topics
#   eval "$(jq -r '.service_env | to_entries[] | "export \(.key)=\(.value)"' /tmp/infra/local.json)"
#   docker/aot-check.sh [--runs N] [ingest-api] [click-processor]
#
# Without KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL it stops after the training runs (what `docker build` does).
# With them it starts each service --runs times (default 1) with the cache, and as many times on the same extracted
# jar without it, alternating, and prints the seconds to "Started" and to readiness 200 (for the processor: Kafka
# Streams RUNNING), and how many of the loaded classes came from the cache.
# Environment: AOT_JAVA_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64), AOT_CHECK_DIR (default a temp dir, kept).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAVA_HOME_25=${AOT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
RUNS=1
SERVICES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    ingest-api|click-processor) SERVICES+=("$1"); shift ;;
    *) echo "usage: $0 [--runs N] [ingest-api] [click-processor]" >&2; exit 2 ;;
  esac
done
[ ${#SERVICES[@]} -gt 0 ] || SERVICES=(ingest-api click-processor)
[ -x "$JAVA_HOME_25/bin/java" ] || { echo "no JDK at $JAVA_HOME_25 (set AOT_JAVA_HOME)" >&2; exit 1; }
WORK=${AOT_CHECK_DIR:-$(mktemp -d /tmp/affixo-aot-check.XXXXXX)}
mkdir -p "$WORK"
echo "work dir: $WORK; java: $("$JAVA_HOME_25/bin/java" -version 2>&1 | sed -n 2p)"

die() { echo "FAIL: $*" >&2; exit 1; }

# Runs one RUN line as `docker build` would: in the stage's WORKDIR, `java` being the JDK 25, and nothing of this
# shell's environment (the image's ENV lines come later). In a build nothing answers at the services' default
# addresses (127.0.0.1:9092, :5432); here something might, so they point at port 1, where nothing does.
run_line() {
  local dir=$1 cmd=$2 log=$3
  (cd "$dir" && env -i PATH="$JAVA_HOME_25/bin:/usr/bin:/bin" HOME="$WORK" KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1 \
     DATABASE_URL=jdbc:postgresql://127.0.0.1:1/affixo bash -c "$cmd") >"$log" 2>&1
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

build_image() {
  local svc=$1 dockerfile="$ROOT/docker/$1.Dockerfile" dir="$WORK/$1"
  rm -rf "$dir" && mkdir -p "$dir/build" "$dir/app"
  # A RUN's continuation lines become one command; the two stages are told apart by their FROM.
  python3 - "$dockerfile" >"$dir/steps" <<'PY'
import re, sys, json
text = re.sub(r'\\\n', ' ', open(sys.argv[1]).read())
stage = -1
for line in text.splitlines():
    line = line.strip()
    if line.startswith('FROM '):
        stage += 1; print(f'FROM\t{stage}\t{line[5:]}')
    elif line.startswith(('RUN java', 'COPY', 'WORKDIR')):
        word, rest = line.split(' ', 1); print(f'{word}\t{stage}\t{" ".join(rest.split())}')
    elif line.startswith('ENTRYPOINT '):
        print(f'ENTRYPOINT\t{stage}\t' + ' '.join(json.loads(line[len('ENTRYPOINT '):])))
PY
  [ "$(grep -c '^FROM' "$dir/steps")" -eq 2 ] || die "$dockerfile: expected two stages"
  [ "$(cut -f1,3 "$dir/steps" | grep '^FROM' | cut -f2 | sed 's/ AS .*//' | sort -u | wc -l)" -eq 1 ] \
    || die "$dockerfile: the two stages must use the same base image"
  local n=0
  while IFS=$'\t' read -r word stage arg; do
    local stagedir; [ "$stage" = 0 ] && stagedir="$dir/build" || stagedir="$dir/app"
    case "$word" in
      WORKDIR) ;;  # /build and /app are $dir/build and $dir/app
      COPY)
        set -- $arg
        if [ "$1" = "--from=extract" ]; then
          # COPY --from=extract /build/extracted/<layer>/ ./
          cp -a "$dir/build/${2#/build/}." "$stagedir/"
        else
          cp -p "$ROOT/$1" "$stagedir/$2"
        fi ;;
      RUN)
        n=$((n + 1))
        echo "  [$svc] RUN $arg"
        local start=$SECONDS
        run_line "$stagedir" "$arg" "$dir/run-$n.log" || { tail -30 "$dir/run-$n.log"; die "$svc: RUN $arg"; }
        echo "    ok in $((SECONDS - start)) s (log $dir/run-$n.log)" ;;
      ENTRYPOINT) echo "$arg" >"$dir/entrypoint" ;;
    esac
  done <"$dir/steps"
  [ -f "$dir/app/app.aot" ] || die "$svc: the training run wrote no app.aot"
  echo "  [$svc] cache: $(du -m "$dir/app/app.aot" | cut -f1) MB"
  grep -q "AOTCache creation is complete" "$dir"/run-*.log || die "$svc: no 'AOTCache creation is complete'"
}

# Starts the ENTRYPOINT (with or without -XX:AOTCache) in the image's /app and waits for readiness 200.
start_once() {
  local svc=$1 label=$2 dir="$WORK/$1" n=$3
  local entry; entry=$(cat "$dir/entrypoint")
  local flags="-XX:AOTMode=on -Xlog:class+load=info:file=$dir/classes-$label-$n.log"
  [ "$label" = cache ] || { entry=${entry/ -XX:AOTCache=app.aot/}; flags="-Xlog:class+load=info:file=$dir/classes-$label-$n.log"; }
  local mgmt port; mgmt=$(free_port); port=$(free_port)
  local log="$dir/start-$label-$n.log"
  local t0; t0=$(date +%s%N)
  (cd "$dir/app" && exec env PATH="$JAVA_HOME_25/bin:$PATH" PORT="$port" MANAGEMENT_PORT="$mgmt" \
     AFFIXO_PROCESSOR_APPLICATION_ID="aot-check-$(date +%s%N)" \
     SPRING_KAFKA_STREAMS_PROPERTIES_STATE_DIR="$dir/streams-$label-$n" \
     ${entry/java /java $flags }) >"$log" 2>&1 &
  local pid=$! ready=""
  while kill -0 "$pid" 2>/dev/null; do
    if curl -fs -o /dev/null "http://127.0.0.1:$mgmt/actuator/health/readiness"; then
      ready=$(( ($(date +%s%N) - t0) / 1000000 )); break
    fi
    [ $(( ($(date +%s%N) - t0) / 1000000000 )) -ge 180 ] && break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$ready" ] || { tail -30 "$log"; die "$svc ($label): not ready (log $log)"; }
  local started; started=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$log" | head -1 | grep -o '[0-9.]* seconds' || true)
  # Without -XX:AOTCache the JDK's own CDS archive still serves JDK classes; only a cache holds the app's.
  local classes="$dir/classes-$label-$n.log" total shared ours ours_shared
  total=$(grep -c ' source: ' "$classes" || true)
  shared=$(grep -c 'source: shared objects file' "$classes" || true)
  ours=$(grep -c '\] dev\.affixo\.[^ ]* source: ' "$classes" || true)
  ours_shared=$(grep -c '\] dev\.affixo\.[^ ]* source: shared objects file' "$classes" || true)
  printf '  [%s] %-8s run %d: Started in %s, ready (readiness 200) %d.%03d s after launch; classes loaded %d, %d shared; dev.affixo %d, %d shared\n' \
    "$svc" "$label" "$n" "$started" $((ready / 1000)) $((ready % 1000)) "$total" "$shared" "$ours" "$ours_shared"
  if [ "$label" = cache ] && [ "$ours_shared" -eq 0 ]; then die "$svc: none of its own classes came from the cache"; fi
}

for svc in "${SERVICES[@]}"; do
  [ -f "$ROOT/$svc/target/$svc.jar" ] || die "no $svc/target/$svc.jar: ./mvnw -pl $svc -am package -DskipTests"
  echo "== $svc: docker/$svc.Dockerfile's RUN commands, without infrastructure"
  build_image "$svc"
done

if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || [ -z "${DATABASE_URL:-}" ]; then
  echo "no KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL: training runs checked, no start (see the header for infra)"
  exit 0
fi
for svc in "${SERVICES[@]}"; do
  echo "== $svc: the ENTRYPOINT against $KAFKA_BOOTSTRAP_SERVERS and $DATABASE_URL"
  for n in $(seq 1 "$RUNS"); do
    start_once "$svc" cache "$n"
    start_once "$svc" no-cache "$n"
  done
done
echo "OK"

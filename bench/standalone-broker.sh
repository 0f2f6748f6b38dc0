# Sourced by the benches that run the job next to an independent broker (job-vs-peers.sh,
# job-latency.sh): a work directory removed on exit with every process the bench started, the
# build, and one single-node Kafka in its own JVM (`./txinsight broker`).
#
#   bench_setup NAME          WORK=/tmp/NAME.XXXXXX, cleanup on exit, build (offline)
#   start_broker TOPICS       TOPICS as name:partitions,...; sets BOOTSTRAP
#   free_port                 prints a free port on 127.0.0.1
# Processes started in the background go into PIDS so that cleanup stops them.

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

bench_setup() {
  WORK="$(mktemp -d "/tmp/$1.XXXXXX")"
  PIDS=()
  trap bench_cleanup EXIT
  echo "building (offline) ..."
  mvn -B -o -q install -DskipTests -pl events,broker,simulator,job,sandbox -am > "$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; exit 1; }
  for m in simulator sandbox; do touch "$m/target/.txinsight-built"; done
  ./txinsight broker --help > /dev/null   # writes sandbox/target/classpath.txt if missing
  export TXINSIGHT_SKIP_BUILD=1
}

bench_cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}

start_broker() {
  local port
  port="$(free_port)"
  BOOTSTRAP="127.0.0.1:$port"
  ./txinsight broker --port "$port" --topics "$1" > "$WORK/broker.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 600); do grep -q 'Kafka is up' "$WORK/broker.log" && break; sleep 0.1; done
  grep -q 'Kafka is up' "$WORK/broker.log" || { cat "$WORK/broker.log" >&2; exit 1; }
}

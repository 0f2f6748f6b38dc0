#!/usr/bin/env bash
# End-to-end latency of the job under steady load, per checkpoint interval (issue 16).
#
#   bench/job-latency.sh [--rate TXNS_PER_S] [--duration 40s] [--intervals "1s 5s 10s"] [--parallelism 2]
#
# Latency = when a read_committed consumer of the outcomes topic receives a transaction's outcome
# minus the event time of its transaction_close. The simulator's stream mode stamps each event with
# the wall clock when it is due and publishes it then (inside a Kafka transaction that stays open up
# to 100 ms), so this is "close written -> outcome visible read_committed": the producer's own
# commit, both views, the tracker's wait for the watermark, and the outcome sink's Kafka transaction,
# which commits only on a checkpoint. The first 10 s of each run are left out (start-up).
#
# One broker in its own JVM; per interval a fresh job (--starting-offsets latest) and a fresh load.
# Wrap it in `flock /tmp/txinsight-heavy.lock` on a shared machine. Needs python3-confluent-kafka.
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=500
DURATION=40s
INTERVALS="1s 5s 10s"
PARALLELISM=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) RATE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --intervals) INTERVALS="$2"; shift 2 ;;
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "job-latency: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null || {
  echo "job-latency: needs python3-confluent-kafka (apt-get install -y --no-install-recommends python3-confluent-kafka)" >&2; exit 2; }

source bench/standalone-broker.sh
bench_setup job-latency
TOPICS="lat-events:4,lat-alerts:1,lat-dead-letters:1"
for I in $INTERVALS; do TOPICS="$TOPICS,lat-outcomes-$I:4"; done
start_broker "$TOPICS"

# Reads the outcomes read_committed until the load has ended and nothing came for 20 s (longer
# than any checkpoint interval here); prints p50 p99 max count.
cat > "$WORK/outcomes.py" <<'PY'
import json, sys, time
from confluent_kafka import Consumer
bootstrap, topic, skip_until = sys.argv[1], sys.argv[2], float(sys.argv[3])
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "lat-" + topic, "auto.offset.reset": "earliest",
              "isolation.level": "read_committed", "enable.auto.commit": False})
c.subscribe([topic])
lat, last = [], time.time()
while time.time() - last < 20:
    for m in c.consume(500, 0.2):
        if m.error(): continue
        now = time.time() * 1000
        last = time.time()
        o = json.loads(m.value())
        if o.get("state") != "closed" or o.get("closed_at_ms") is None: continue
        if o["closed_at_ms"] < skip_until * 1000: continue
        lat.append(now - o["closed_at_ms"])
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
print(f"{q(0.5):.0f} {q(0.99):.0f} {lat[-1] if lat else float('nan'):.0f} {len(lat)}")
PY

cat > "$WORK/running.py" <<'PY'
import re, sys, time, urllib.request
url, deadline = sys.argv[1], time.time() + 120
while time.time() < deadline:
    try:
        if re.search(r'txinsights_view_event_type_events\{', urllib.request.urlopen(url, timeout=2).read().decode()): sys.exit(0)
    except OSError: pass
    time.sleep(0.2)
sys.exit(1)
PY

declare -A RESULT
for I in $INTERVALS; do
  echo "checkpoint interval $I: job, then $DURATION of load at $RATE transactions/s ..."
  WEB_PORT="$(free_port)"; METRICS_PORT="$(free_port)"
  ./txinsight job --web-port "$WEB_PORT" --metrics-port "$METRICS_PORT" --summary-every 0 \
    --bootstrap-servers "$BOOTSTRAP" --topics lat-events --starting-offsets latest \
    --outcomes-topic "lat-outcomes-$I" --alerts-topic lat-alerts --dead-letter-topic lat-dead-letters \
    --monitor-group-id "lat-monitor-$I" --committed-group-id "lat-committed-$I" \
    --transactional-id-prefix "lat-$I" --checkpoint-interval "$I" --parallelism "$PARALLELISM" > "$WORK/job-$I.log" 2>&1 &
  JOB_PID=$!
  PIDS+=("$JOB_PID")
  /usr/bin/python3 "$WORK/running.py" "http://127.0.0.1:$METRICS_PORT/metrics" || { tail -40 "$WORK/job-$I.log" >&2; exit 1; }
  sleep 5 # the operators are open; the sources assign their partitions just after, and --starting-offsets latest would skip what came before
  START="$(date +%s)"
  ./txinsight simulate stream -b "$BOOTSTRAP" --topic lat-events --rate "$RATE" --duration "$DURATION" \
    --transactional-id-prefix "lat-load-$I-" --quiet > "$WORK/load-$I.log" 2>&1 &
  LOAD_PID=$!
  PIDS+=("$LOAD_PID")
  read -r p50 p99 max n < <(/usr/bin/python3 "$WORK/outcomes.py" "$BOOTSTRAP" "lat-outcomes-$I" $((START + 10)))
  wait "$LOAD_PID" || true
  RESULT[$I]="$p50 $p99 $max $n"
  kill -TERM "$JOB_PID"; wait "$JOB_PID" 2>/dev/null || true
done

echo
echo "== end-to-end latency, close written -> outcome visible read_committed; $RATE transactions/s (~$((RATE * 10)) events/s), parallelism $PARALLELISM, $(nproc) cores, $(date -u +%FT%TZ)"
printf "%-22s %10s %10s %10s %10s\n" "checkpoint interval" "p50 ms" "p99 ms" "max ms" "outcomes"
for I in $INTERVALS; do
  read -r p50 p99 max n <<< "${RESULT[$I]}"
  printf "%-22s %10s %10s %10s %10s\n" "$I" "$p50" "$p99" "$max" "$n"
done
echo "reproduce: flock /tmp/txinsight-heavy.lock bench/job-latency.sh --rate $RATE --duration $DURATION --intervals \"$INTERVALS\" --parallelism $PARALLELISM"

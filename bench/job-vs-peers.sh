#!/usr/bin/env bash
# Job catch-up next to its peers, in one run, on one independent broker (issue 16).
#
#   bench/job-vs-peers.sh [--events N] [--partitions P] [--parallelism "2 1"] [--checkpoint-interval 10s]
#
# Defaults: about 1,000,000 business events, 4 partitions, the job at parallelism 2 and then 1.
# Use e.g. --events 200000 for a quick iteration. Wrap it in `flock /tmp/txinsight-heavy.lock` on a
# shared machine: figures taken while something else burns CPU are meaningless.
#
# What runs, in this order, against one broker in its own JVM (`./txinsight broker`):
#   1. the simulator's batch mode preloads the topic: ~10 events per business transaction, about
#      115 B of JSON each, in committed Kafka transactions (--aborts 0, so both views see everything);
#   2. Kafka's ConsumerPerformance, read_uncommitted and then read_committed (its own JVM);
#   3. the design's Python aggregator, ../shared/peers/seed_design.py (two librdkafka consumers);
#   4. the job, `./txinsight job --starting-offsets earliest`, once per parallelism, timed from its
#      own metrics endpoint: from the first counted event until both views have counted every event;
#   5. the floor: Flink alone reading both views, in the same local runtime, per parallelism and per
#      shape (FlinkFloorBench): doing nothing else (chained, keyby), decoding (chained-decode,
#      chained-scan, keyby-decode; chained-hybrid: checked once, in the monitor view, the committed
#      view only scanned), and then the job's parts one by one (views, tracker,
#      tracker-velocity). What no job reading both views could beat here, and what each part costs.
#
# Needs Debian's python3-confluent-kafka and python3-prometheus-client for the Python peer:
#   apt-get install -y --no-install-recommends python3-confluent-kafka python3-prometheus-client
# JOB_JAVA_OPTS reaches only the job's JVM, with {P} replaced by the parallelism, e.g. a profile:
#   JOB_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/job-p{P}.jfr,settings=profile' bench/job-vs-peers.sh
# FLOOR_SHAPES picks the floor's shapes (' ' for none); FLOOR_JAVA_OPTS reaches its JVMs, {P} and {SHAPE} replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

EVENTS=1000000
PARTITIONS=4
PARALLELISMS="2 1"
CHECKPOINT_INTERVAL=10s
PEER="${PEER:-$ROOT/../shared/peers/seed_design.py}"
JOB_JAVA_OPTS="${JOB_JAVA_OPTS:-}"   # set -u: unset means none
FLOOR_JAVA_OPTS="${FLOOR_JAVA_OPTS:-}"
[[ -f "$PEER" ]] || PEER=/work/shared/peers/seed_design.py
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) EVENTS="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --parallelism) PARALLELISMS="$2"; shift 2 ;;
    --checkpoint-interval) CHECKPOINT_INTERVAL="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "job-vs-peers: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! /usr/bin/python3 -c 'import confluent_kafka, prometheus_client' 2>/dev/null; then
  echo "job-vs-peers: the Python peer needs python3-confluent-kafka and python3-prometheus-client:" >&2
  echo "  apt-get install -y --no-install-recommends python3-confluent-kafka python3-prometheus-client" >&2
  exit 2
fi
[[ -f "$PEER" ]] || { echo "job-vs-peers: the Python peer $PEER is missing (set PEER=path)" >&2; exit 2; }

source bench/standalone-broker.sh
bench_setup job-vs-peers
TOPIC=bench-events
start_broker "$TOPIC:$PARTITIONS,bench-outcomes:$PARTITIONS,bench-alerts:1,bench-dead-letters:1"
BROKER_PID="${PIDS[0]}"

TXNS=$(( EVENTS / 10 ))
echo "preloading $TOPIC ($PARTITIONS partitions) with $TXNS business transactions in committed Kafka transactions ..."
./txinsight simulate batch -b "$BOOTSTRAP" --preset throughput --count "$TXNS" --aborts 0 \
  --topic "$TOPIC" --quiet > "$WORK/load.log" 2>&1 || { cat "$WORK/load.log" >&2; exit 1; }

# ConsumerPerformance lives in kafka-tools, which the job module carries for its own benches.
mvn -B -o -q -pl job dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/tools.classpath" \
  > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
CP="sandbox/target/classes:$(cat sandbox/target/classpath.txt):$(cat "$WORK/tools.classpath")"
# What the simulator published is what both views must read (no aborts): end offsets would count
# the transaction markers too.
RECORDS="$(sed -n 's/^Published \([0-9,]*\) records.*/\1/p' "$WORK/load.log" | tr -d ,)"
[[ -n "$RECORDS" ]] || { cat "$WORK/load.log" >&2; exit 1; }
echo "topic holds $RECORDS events"

consumer_perf() { # isolation level -> "records/s bytes-per-record"
  java -Xmx1g -cp "$CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$BOOTSTRAP" \
    --topic "$TOPIC" --num-records "$RECORDS" --group "bench-perf-$1-$RANDOM" --timeout 60000 \
    --command-property "isolation.level=$1" 2>/dev/null \
    | awk -F', *' '/nMsg.sec/ {for (i=1;i<=NF;i++) {if ($i=="nMsg.sec") c=i; if ($i=="MB.sec") m=i}; next}
                   c && NF>c {printf "%s %.0f\n", $c, $m * 1048576 / $c; exit}'
}
echo "ConsumerPerformance ..."
read -r CP_UNCOMMITTED AVG_BYTES < <(consumer_perf read_uncommitted)
read -r CP_COMMITTED _ < <(consumer_perf read_committed)

echo "Python design ($PEER) ..."
PY_JSON="$(/usr/bin/python3 "$PEER" --bootstrap "$BOOTSTRAP" --topic "$TOPIC" --expect "$RECORDS")"
PY_RATE="$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events_per_s"])' "$PY_JSON")"

# Polls the job's Prometheus endpoint: the events counted per view, summed over event types and
# subtasks. Prints events/s = RECORDS / (time both views reached RECORDS - time of the first event).
# It asks for that one metric family only (`?name[]=`, which the exporter honours by collecting and
# writing nothing else): the whole page lists every Flink and Kafka client metric, and writing it
# 4 times a second made the exporter's thread 16 % of the job's CPU in session 7's profile, a cost
# the peers do not pay. It polls 4 times a second and every 20 ms only near the end. The start is
# extrapolated back from the first two samples with events in them.
cat > "$WORK/watch.py" <<'PY'
import os, re, sys, time, urllib.request
url, expect, deadline = sys.argv[1], int(sys.argv[2]), time.time() + float(sys.argv[3])
pids = sys.argv[4:]  # the job's JVM, the broker's: their CPU seconds over the timed window
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):  # user + system CPU seconds of a process so far
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick
cpu_at_first = None
line = re.compile(r'^flink_taskmanager_job_task_operator_txinsights_view_event_type_events\{([^}]*)\}\s+(\S+)', re.M)
samples, views = [], {}
while time.time() < deadline:
    try:
        text = urllib.request.urlopen(url, timeout=2).read().decode()
    except OSError:
        time.sleep(0.1); continue
    now = time.time()
    views = {}
    for labels, value in line.findall(text):
        v = re.search(r'view="([^"]*)"', labels).group(1)
        views[v] = views.get(v, 0) + float(value)
    done = min(views.get("monitor", 0), views.get("committed", 0))
    if sum(views.values()) > 0:
        samples.append((now, sum(views.values())))
        if cpu_at_first is None:
            cpu_at_first = [cpu(p) for p in pids]
    if done >= expect:
        (t1, c1), (t2, c2) = samples[0], samples[min(1, len(samples) - 1)]
        first = t1 - c1 * (t2 - t1) / (c2 - c1) if c2 > c1 else t1
        # CPU from the first sample with events (a little after the first event) to the end.
        used = [cpu(p) - c for p, c in zip(pids, cpu_at_first)]
        # The second half alone: the JIT compilers have done most of their work by then.
        th, ch = next((t, c) for t, c in samples if c >= expect)
        second_half = (expect - ch / 2) / (now - th) if now > th else 0
        print(f"{expect / (now - first):.0f} {now - first:.2f} " + " ".join(f"{u:.1f}" for u in used)
              + f" {second_half:.0f}")
        sys.exit(0)
    rate = (samples[-1][1] - samples[0][1]) / 2 / (samples[-1][0] - samples[0][0]) if len(samples) > 1 else 0
    near_end = rate > 0 and (expect - done) / rate < 0.6
    time.sleep(0.02 if near_end else 0.25)
print("timeout", views, file=sys.stderr); sys.exit(1)
PY

checkpoint_ms() { # 10s, 2m, 500ms -> milliseconds
  awk -v d="$1" 'BEGIN {n = d + 0; u = d; sub(/^[0-9.]+/, "", u);
    printf "%d", n * (u == "ms" ? 1 : u == "s" || u == "" ? 1000 : u == "m" || u == "min" ? 60000 : 3600000)}'
}

EVENTS_FAMILY=flink_taskmanager_job_task_operator_txinsights_view_event_type_events
declare -A JOB_RATE JOB_SECONDS JOB_CPU BROKER_CPU JOB_SECOND_HALF
for P in $PARALLELISMS; do
  echo "the job at parallelism $P ..."
  WEB_PORT="$(free_port)"; METRICS_PORT="$(free_port)"
  JAVA_OPTS="${JOB_JAVA_OPTS//\{P\}/$P}" ./txinsight job --web-port "$WEB_PORT" --metrics-port "$METRICS_PORT" --summary-every 0 \
    --bootstrap-servers "$BOOTSTRAP" --topics "$TOPIC" --starting-offsets earliest \
    --outcomes-topic bench-outcomes --alerts-topic bench-alerts --dead-letter-topic bench-dead-letters \
    --monitor-group-id "bench-monitor-$P-$RANDOM" --committed-group-id "bench-committed-$P-$RANDOM" \
    --checkpoint-interval "$CHECKPOINT_INTERVAL" --parallelism "$P" > "$WORK/job-$P.log" 2>&1 &
  JOB_PID=$!
  PIDS+=("$JOB_PID")
  if ! read -r rate seconds job_cpu broker_cpu second_half < <(/usr/bin/python3 "$WORK/watch.py" \
      "http://127.0.0.1:$METRICS_PORT/metrics?name[]=$EVENTS_FAMILY" "$RECORDS" 600 "$JOB_PID" "$BROKER_PID"); then
    tail -40 "$WORK/job-$P.log" >&2; exit 1
  fi
  JOB_RATE[$P]="$rate"; JOB_SECONDS[$P]="$seconds"; JOB_CPU[$P]="$job_cpu"; BROKER_CPU[$P]="$broker_cpu"; JOB_SECOND_HALF[$P]="$second_half"
  kill -TERM "$JOB_PID"; wait "$JOB_PID" 2>/dev/null || true
done

# The floor: Flink alone, in the same local runtime, reading both views and doing nothing else,
# then with the job's parts one by one (FlinkFloorBench). What no code of the job could beat on
# this machine, and what each part costs; the job's figure is read against it.
ALL_FLOOR_SHAPES="chained chained-decode chained-scan chained-hybrid keyby keyby-decode views tracker tracker-velocity"
FLOOR_SHAPES="${FLOOR_SHAPES:-$ALL_FLOOR_SHAPES}"
declare -A FLOOR_RATE FLOOR_CPU
mvn -B -o -q -pl job test-compile > "$WORK/build-floor.log" 2>&1 || { cat "$WORK/build-floor.log" >&2; exit 1; }
FLOOR_CP="job/target/test-classes:job/target/classes:$(cat "$WORK/tools.classpath")"
for P in $PARALLELISMS; do
  for SHAPE in $FLOOR_SHAPES; do
    echo "Flink alone ($SHAPE) at parallelism $P ..."
    FLOOR_OPTS="${FLOOR_JAVA_OPTS//\{P\}/$P}"
    # shellcheck disable=SC2086  # the options are words
    if ! java -Xmx2g ${FLOOR_OPTS//\{SHAPE\}/$SHAPE} --add-modules=jdk.incubator.foreign --add-opens=java.base/java.util=ALL-UNNAMED \
        --add-opens=java.base/java.lang=ALL-UNNAMED -cp "$FLOOR_CP" io.txinsight.job.FlinkFloorBench \
        "$BOOTSTRAP" "$TOPIC" "$RECORDS" "$P" "$SHAPE" "$(checkpoint_ms "$CHECKPOINT_INTERVAL")" "$WORK/floor-$SHAPE-$P" \
        > "$WORK/floor-$SHAPE-$P.log" 2>&1; then
      tail -40 "$WORK/floor-$SHAPE-$P.log" >&2; exit 1
    fi
    # Its one line, among Flink's log lines (which may come after it, as the runtime shuts down).
    read -r _ rate _ cpu < <(grep '^floor: ' "$WORK/floor-$SHAPE-$P.log" | tail -1)
    FLOOR_RATE[$SHAPE,$P]="$rate"; FLOOR_CPU[$SHAPE,$P]="$cpu"
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "== catch-up on $RECORDS events ($AVG_BYTES B JSON, $PARTITIONS partitions, committed Kafka transactions), $(nproc) cores, $(date -u +%FT%TZ)"
printf "%-58s %12s\n" "reader" "events/s"
printf "%-58s %12.0f\n" "Kafka ConsumerPerformance, read_uncommitted" "$CP_UNCOMMITTED"
printf "%-58s %12.0f\n" "Kafka ConsumerPerformance, read_committed" "$CP_COMMITTED"
printf "%-58s %12.0f\n" "Python design (seed_design.py, both views)" "$PY_RATE"
for P in $PARALLELISMS; do
  printf "%-58s %12.0f   (%s s)\n" "txinsight job, parallelism $P (both views, every event)" "${JOB_RATE[$P]}" "${JOB_SECONDS[$P]}"
done
# Both goals as one figure: the higher of 0.5 x ConsumerPerformance and 2.5 x Python in this run.
GOAL=$(awk -v cp="$CP_UNCOMMITTED" -v py="$PY_RATE" 'BEGIN {g = 0.5 * cp; if (2.5 * py > g) g = 2.5 * py; printf "%.0f", g}')
for P in $PARALLELISMS; do
  for SHAPE in $FLOOR_SHAPES; do
    printf "%-58s %12.0f   (CPU %s µs per event; %s of the higher goal)\n" "Flink alone, $SHAPE, parallelism $P" "${FLOOR_RATE[$SHAPE,$P]}" \
      "$(awk -v c="${FLOOR_CPU[$SHAPE,$P]}" -v n="$RECORDS" 'BEGIN {printf "%.1f", c * 1e6 / n}')" \
      "$(awk -v r="${FLOOR_RATE[$SHAPE,$P]}" -v g="$GOAL" 'BEGIN {printf "%.2f", r / g}')"
  done
done
echo "the higher goal in this run: $GOAL events/s"
# CPU per event is steadier than events/s on a shared 2-core machine: compare levers by it.
for P in $PARALLELISMS; do
  echo "parallelism $P: CPU while timed: job $(awk -v c="${JOB_CPU[$P]}" -v s="${JOB_SECONDS[$P]}" 'BEGIN {printf "%.1f s (%.2f cores)", c, c / s}'), " \
       "broker ${BROKER_CPU[$P]} s; job CPU per event $(awk -v c="${JOB_CPU[$P]}" -v n="$RECORDS" 'BEGIN {printf "%.1f", c * 1e6 / n}') µs;" \
       "second half alone ${JOB_SECOND_HALF[$P]} events/s"
done
for P in $PARALLELISMS; do
  echo "parallelism $P: job / ConsumerPerformance read_uncommitted = $(ratio "${JOB_RATE[$P]}" "$CP_UNCOMMITTED") (goal >= 0.5);" \
       "job / Python design = $(ratio "${JOB_RATE[$P]}" "$PY_RATE") (goal >= 2.5)"
done
echo "python peer: $PY_JSON"
# The environment that changed what ran is part of the command.
ENV_PREFIX=""
if [[ "$FLOOR_SHAPES" != "$ALL_FLOOR_SHAPES" ]]; then
  ENV_PREFIX+="FLOOR_SHAPES='$FLOOR_SHAPES' "
fi
for NAME in JOB_JAVA_OPTS FLOOR_JAVA_OPTS; do
  if [[ -n "${!NAME}" ]]; then
    ENV_PREFIX+="$NAME='${!NAME}' "
  fi
done
echo "reproduce: ${ENV_PREFIX}flock /tmp/txinsight-heavy.lock bench/job-vs-peers.sh --events $EVENTS --partitions $PARTITIONS" \
     "--parallelism \"$PARALLELISMS\" --checkpoint-interval $CHECKPOINT_INTERVAL"

#!/usr/bin/env bash
# Simulator throughput: file-mode generation (records/s; goal >= 500,000) and stream mode's achieved
# versus target rate against an embedded Kafka broker, plus batch mode as fast as possible.
#
#   bench/simulator-throughput.sh                       # defaults
#   bench/simulator-throughput.sh runs=3 transactions=100000 streamRates=5000 streamSeconds=5
#
# Also times one cold `txinsight simulate generate` of the high_throughput preset (JVM start and
# JIT warm-up included), which is what a user sees. Output files go to bench/out/ (not committed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/out/simulator"
mkdir -p "$OUT"
cd "$ROOT"

offline=()
[[ -d "$HOME/.m2/repository/org/apache/kafka/kafka_2.13" ]] && offline=(-o)
echo "building the simulator and its benchmark..." >&2
# -am: stream and batch mode publish through the replayer, which must be installed too.
mvn -B -q "${offline[@]}" -pl simulator -am install -DskipTests >&2
mvn -B -q "${offline[@]}" -pl simulator test-compile >&2
mvn -B -q "${offline[@]}" -f simulator/pom.xml dependency:build-classpath \
    -Dmdep.outputFile="$OUT/classpath.txt" -Dmdep.includeScope=test >&2

echo "== cold command-line run: txinsight simulate generate --preset high_throughput"
TXINSIGHT_SKIP_BUILD=1 "$ROOT/txinsight" simulate generate --preset high_throughput \
    --out "$OUT/cli-high-throughput" 2>/dev/null | head -2
rm -f "$OUT/cli-high-throughput/events.jsonl"

echo "== in-process benchmark (warm JVM)"
java -Xmx2g -Dlog4j2.configurationFile=simulator/src/test/resources/log4j2-bench.xml \
    -cp "simulator/target/test-classes:simulator/target/classes:$(cat "$OUT/classpath.txt")" \
    io.txinsight.simulator.bench.SimulatorThroughputBench out="$OUT" "$@"

echo
echo "Reproduce: bench/simulator-throughput.sh $*"

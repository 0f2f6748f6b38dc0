#!/usr/bin/env bash
# Replayer --speed max throughput next to Kafka's own ProducerPerformance (kafka-tools), on the same
# embedded broker, with the same record count and value size, in the same run. Prints both rates,
# the ratio (goal >= 0.7) and the commands that were run.
#
#   bench/replayer-throughput.sh [--records N] [--record-size BYTES] [--txn-ms N] [--repeat N]
#                                [--modes plain,transactional] [--replay-arg ARG]...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

source "$ROOT/bench/replayer-classpaths.sh"

echo "reproduce: bench/replayer-throughput.sh $*"
java -Xmx2g -Dbench.testClasspath="$test_cp" -Dbench.replayClasspath="$replay_cp" \
    -cp "$test_cp" io.txinsight.replayer.bench.ThroughputBench "$@"
echo "reproduce: bench/replayer-throughput.sh $*"

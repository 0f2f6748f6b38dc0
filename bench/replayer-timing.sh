#!/usr/bin/env bash
# Replayer timing fidelity at 1x: a scenario of about 2,000 events/s for 60 s (several producers,
# interleaved transactions, aborts, a hang) replayed against an embedded broker; prints p50/p99/max
# of |actual - scheduled| publish time (goal p99 <= 5 ms) and the command to reproduce.
#
#   bench/replayer-timing.sh [--rate EVENTS_PER_S] [--seconds N] [--producers N] [--seed N] [--plain-share 0.1]
#                            [--file events.jsonl] [--warmup-ms MS] [--bootstrap-servers HOST:PORT] [--replay-arg ARG]...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

source "$ROOT/bench/replayer-classpaths.sh"

echo "reproduce: bench/replayer-timing.sh $*"
java -Xmx1g -Dbench.replayClasspath="$replay_cp" -Dbench.jvmOptions="${REPLAYER_JVM_OPTS:-}" \
    -cp "$test_cp" io.txinsight.replayer.bench.TimingBench "$@"
echo "reproduce: bench/replayer-timing.sh $*"

#!/usr/bin/env bash
# How long `txinsight report` takes on an events file of about 100k records, and how much memory.
#
#   bench/report-100k.sh [TRANSACTIONS]      (default 11300 transactions ≈ 100k records)
#
# The file comes from the validator's test fixture SampleScenario (deterministic, seed 7): types,
# steps, failures, Kafka aborts, stuck transactions, outliers, duplicates, disorder, malformed
# records. It prints the figures and the command that reproduces them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-11300}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mvn -B -q -o -f "$ROOT/pom.xml" -pl validator test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >&2
CP="$ROOT/validator/target/test-classes:$ROOT/validator/target/classes:$(cat "$WORK/cp.txt")"

java -cp "$CP" io.txinsight.validator.SampleScenario "$WORK/scenario" "$N" 7
records=$(grep -c '' "$WORK/scenario/events.jsonl")
mb=$(du -m "$WORK/scenario/events.jsonl" | cut -f1)

start=$(date +%s.%N)
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -f "%M" -o "$WORK/rss" java -cp "$CP" io.txinsight.validator.ReportCli --file "$WORK/scenario/events.jsonl"
else
  java -cp "$CP" io.txinsight.validator.ReportCli --file "$WORK/scenario/events.jsonl"
fi
end=$(date +%s.%N)
kb=$(( $(stat -c %s "$WORK/scenario/report/report.html") / 1024 ))

echo
echo "report of $records records ($mb MB, $N transactions): $(echo "$end - $start" | bc) s wall clock, JVM start included"
echo "report.html: $kb KB"
[[ -f "$WORK/rss" ]] && echo "peak RSS: $(( $(cat "$WORK/rss") / 1024 )) MB"
echo "reproduce: bench/report-100k.sh $N"

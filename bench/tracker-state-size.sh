#!/usr/bin/env bash
# Heap bytes of TransactionTracker state per open transaction (issue 16; goal: at most 300).
#
# Puts N open transactions (open + 2 steps each; default 1,000,000) into the real tracker operator
# on Flink's heap state backend (through the operator test harness, one JVM, no cluster) and
# compares the JVM's live-object class histogram before and after. Prints the figure, the classes
# that make it up, and the command to reproduce it.
#
# Every record is seen in both views by default (committed, as in a running job); with "monitor" as
# the third argument in the monitor view only (nothing committed yet, as while a hanging Kafka
# transaction pins the partitions), where the tracker also keeps where each one's records lie.
#
# usage: bench/tracker-state-size.sh [transactions] [txn_id length] [both|monitor]
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-1000000}"
ID_LENGTH="${2:-36}"
VIEWS="${3:-both}"

echo "building job test classes (offline) ..."
# One reactor call: the sibling modules resolve to their target/classes, nothing needs installing.
mvn -B -o -q -pl job -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
CP="job/target/test-classes:job/target/classes:$(cat job/target/bench.classpath)"

echo "measuring with $N open transactions ..."
java -Xms3g -Xmx3g -XX:+UseParallelGC \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  -cp "$CP" io.txinsight.job.tracker.TrackerStateSizeBench "$N" "$ID_LENGTH" "$VIEWS"

echo
echo "reproduce: bench/tracker-state-size.sh $N $ID_LENGTH $VIEWS"

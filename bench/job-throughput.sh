#!/usr/bin/env bash
# Job catch-up throughput next to Kafka's own consumer on the same pre-loaded topic, same run.
#
#   bench/job-throughput.sh [transactions] [partitions] [parallelism]
#
# Defaults: 110000 transactions (about 1.1 million records), 4 partitions, parallelism 2.
# Everything runs in one JVM: an embedded Kafka broker, the simulator and replayer to pre-load
# the topic, org.apache.kafka.tools.ConsumerPerformance, then the job on a local MiniCluster
# with both views bounded at the end of the topic. See JobThroughputBench for what is timed.
set -euo pipefail
cd "$(dirname "$0")/.."

TRANSACTIONS="${1:-110000}"
PARTITIONS="${2:-4}"
PARALLELISM="${3:-2}"

CP_FILE="$(mktemp)"
BUILD_LOG="$(mktemp)"
# Build quietly; show Maven's output only if it fails.
if ! mvn -B -o -q -pl job test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" > "$BUILD_LOG" 2>&1; then
  cat "$BUILD_LOG" >&2
  rm -f "$CP_FILE" "$BUILD_LOG"
  exit 1
fi
CLASSPATH_TEST="job/target/test-classes:job/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE" "$BUILD_LOG"

exec java -Xmx4g --add-modules=jdk.incubator.foreign \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.time=ALL-UNNAMED \
  --add-opens=java.base/java.text=ALL-UNNAMED \
  --add-opens=java.sql/java.sql=ALL-UNNAMED \
  -Dlog4j2.configurationFile=job/target/test-classes/log4j2-bench.xml \
  -cp "$CLASSPATH_TEST" \
  io.txinsight.job.JobThroughputBench "$TRANSACTIONS" "$PARTITIONS" "$PARALLELISM"

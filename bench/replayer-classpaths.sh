# Sourced by the replayer benches: builds the replayer's test classes offline and sets
#   test_cp    the bench's classpath (test classes, Kafka's perf tools, the embedded broker)
#   replay_cp  the replayer command line's runtime classpath, as a user runs it
# Expects ROOT (the repository) to be set.
echo "building replayer test classes (offline)..." >&2
mvn -B -q -o -pl replayer test-compile >&2
mvn -B -q -o -pl replayer dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$ROOT/replayer/target/bench-test-classpath.txt" >&2
mvn -B -q -o -pl replayer dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$ROOT/replayer/target/bench-runtime-classpath.txt" >&2

classes="$ROOT/replayer/target/classes"
test_cp="$ROOT/replayer/target/test-classes:$classes:$(cat "$ROOT/replayer/target/bench-test-classpath.txt")"
replay_cp="$classes:$(cat "$ROOT/replayer/target/bench-runtime-classpath.txt")"

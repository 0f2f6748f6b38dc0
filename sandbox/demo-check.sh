#!/usr/bin/env bash
# Acceptance check of the README's run command, as a new user would run it:
#   ./txinsight demo --duration 60s
# DEMO_DURATION changes the duration. FIRST_RUN=1 runs the command exactly as a new user's first call
# does, build included (with MAVEN_OPTS=-Dmaven.repo.local=<empty dir> that is a fresh machine), and
# waits up to 10 minutes for the job to start; otherwise the build happens first and is not timed.
# During the run the Flink web UI answers on :8081 (/overview) and the Prometheus endpoint on :9249
# shows txinsights series; the live summary reaches non-zero closed, aborted and stuck counts, active
# accounts and closed amounts; the
# run ends with the validation table and the validation passes; afterwards no process, port or temporary directory is left.
# Prints "N passed, N failed" last; exits non-zero on any failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB_PORT="${WEB_PORT:-8081}"
DEMO_DURATION="${DEMO_DURATION:-60s}"
FIRST_RUN="${FIRST_RUN:-0}"
METRICS_PORT="${METRICS_PORT:-9249}"
log="$(mktemp)"
passed=0; failed=0
check() { # check "description" command...
  local what="$1"; shift
  if "$@"; then echo "PASS $what"; passed=$((passed + 1)); else echo "FAIL $what"; failed=$((failed + 1)); fi
}
tmp_dirs() { ls -d "${TMPDIR:-/tmp}"/txinsight-demo-* "${TMPDIR:-/tmp}"/txinsight-kafka-* 2>/dev/null | sort; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

before="$(tmp_dirs)"
start_deadline=120
if [[ "$FIRST_RUN" == 1 ]]; then
  start_deadline=600
else
  # Build first (first use), so the timed run below measures the demo, not Maven.
  "$ROOT/txinsight" demo --help >/dev/null
fi
"$ROOT/txinsight" demo --duration "$DEMO_DURATION" --web-port "$WEB_PORT" --metrics-port "$METRICS_PORT" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; rm -f "$log"' EXIT

deadline=$((SECONDS + start_deadline))
until grep -q "The job is running" "$log" || (( SECONDS > deadline )) || ! kill -0 "$pid" 2>/dev/null; do
  sleep 1
done
check "the job starts" grep -q "The job is running" "$log"
# grep -c reads the whole page: grep -q would close the pipe early and, with pipefail, fail curl.
web_ok() { curl -sf "http://localhost:$WEB_PORT/overview" | grep -c '"flink-version"' >/dev/null; }
check "the Flink web UI answers on :$WEB_PORT/overview during the run" web_ok
metrics_ok() {
  local deadline=$((SECONDS + 30))
  until curl -sf "http://localhost:$METRICS_PORT/metrics" | grep -c 'txinsights_' >/dev/null; do
    (( SECONDS > deadline )) && return 1
    sleep 1
  done
}
check "the metrics endpoint on :$METRICS_PORT shows txinsights series" metrics_ok

wait "$pid"; rc=$?
trap 'rm -f "$log"' EXIT
echo "---- demo output (warnings omitted) ----"
grep -v " WARN " "$log"
echo "----------------------------------------"
check "the demo exits 0 (rc=$rc)" test "$rc" -eq 0
last="$(grep 'events/s' "$log" | tail -1)"
nonzero() { grep -Eq "$1 [1-9][0-9,]*" <<<"$last"; }
check "the live summary shows closed transactions" nonzero "closed"
check "the live summary shows aborted transactions" nonzero "aborted"
check "the live summary shows stuck transactions" nonzero "stuck"
check "the live summary shows active accounts" nonzero "active accounts 1m/5m/15m"
check "the live summary shows closed amounts by currency" nonzero "closed amount [A-Z]{3}"
check "the run ends with the validation table" grep -q "What the job concluded, against the scenario's truth" "$log"
check "the demo's validation passes (every transaction has its expected verdict)" grep -q "Validation PASSED" "$log"
check "no demo process is left" bash -c "! kill -0 $pid 2>/dev/null"
check "port $WEB_PORT is released" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$WEB_PORT) 2>/dev/null"
check "port $METRICS_PORT is released" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$METRICS_PORT) 2>/dev/null"
check "no temporary directory is left" test "$(tmp_dirs)" == "$before"
echo "demo check: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
(( failed == 0 ))

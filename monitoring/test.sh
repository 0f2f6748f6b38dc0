#!/usr/bin/env bash
# Tests txinsight's monitoring as code, from a fresh machine on:
#   - installs Debian's prometheus and prometheus-alertmanager when promtool/amtool are missing
#     (as root; stops any service the install started, so only this script's servers run);
#   - promtool check config / check rules / test rules (every alert fires and stays silent);
#   - amtool check-config (ours and the commented Slack/PagerDuty examples), severity routing;
#   - the dashboards, runbooks and docs agree with the rules (test/check_consistency.py);
#   - end to end: a real Prometheus and Alertmanager on free 127.0.0.1 ports fed by a synthetic
#     Flink exporter; every dashboard/rule/alert query evaluates, every Overview panel has data,
#     the stuck alert fires and reaches Alertmanager and the webhook (test/e2e.py).
# Usage: monitoring/test.sh [--static]     --static skips the end-to-end part.
# Prints PASS/FAIL per check and, last, "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
STATIC_ONLY=0
[[ "${1:-}" == "--static" ]] && STATIC_ONLY=1
PASSED=0
FAILED=0
START=$SECONDS
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT

pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [[ -n "${2:-}" ]] && sed 's/^/       /' <<<"$2"; }

# step TITLE COMMAND...: one check, passed when the command exits 0.
step() {
  local title="$1"; shift
  if "$@" >"$OUT" 2>&1; then pass "$title"; else fail "$title" "$(tail -n 40 "$OUT")"; fi
}

# suite COMMAND...: a command that prints its own PASS/FAIL lines; each line is one check.
suite() {
  "$@" 2>&1 | tee "$OUT"
  local rc=${PIPESTATUS[0]} p f
  p=$(grep -c '^PASS' "$OUT"); f=$(grep -c '^FAIL' "$OUT")
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  if [[ $rc -ne 0 && $f -eq 0 ]]; then fail "$* exited with status $rc"; fi
}

# --- tools ---------------------------------------------------------------------------------
install_tools() {
  if command -v promtool >/dev/null && command -v amtool >/dev/null && command -v prometheus >/dev/null \
     && { command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null; }; then
    return 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "promtool/amtool missing; as root run: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager"
    return 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus prometheus-alertmanager ||
    return 1
  # The packages may start their system services; this test runs its own instances instead.
  # Stop them through the service manager that started them, never by process name.
  local svc
  for svc in prometheus prometheus-alertmanager; do
    if [[ -d /run/systemd/system ]]; then
      if systemctl is-active --quiet "$svc"; then echo "stopping service $svc"; systemctl stop "$svc"; fi
    elif [[ -x /etc/init.d/$svc ]] && service "$svc" status >/dev/null 2>&1; then
      echo "stopping service $svc"; service "$svc" stop
    fi
  done
  return 0
}

echo "== tools"
step "promtool, amtool, prometheus and alertmanager installed" install_tools
if [[ $FAILED -gt 0 ]]; then
  echo "$PASSED passed, $FAILED failed"
  exit 1
fi

cd "$HERE" || exit 1

echo "== Prometheus"
step "promtool check config prometheus/prometheus.yml" promtool check config prometheus/prometheus.yml
step "promtool check rules prometheus/rules/*.yml" promtool check rules prometheus/rules/*.yml
# promtool prints SUCCESS/FAILED per test file; show them, count one check per file.
for test_file in prometheus/tests/*.yml; do
  step "promtool test rules $test_file" promtool test rules "$test_file"
done

echo "== Alertmanager"
step "amtool check-config alertmanager/alertmanager.yml" amtool check-config alertmanager/alertmanager.yml
examples_valid() {
  local tmp rc
  tmp="$(mktemp)"
  # Uncomment the Slack and PagerDuty examples and check them too, so they stay copy-pasteable.
  sed -E 's/^(    )# ((pagerduty|slack)_configs:)/\1\2/; s/^(    )#   /\1  /' alertmanager/alertmanager.yml >"$tmp"
  grep -q '^    slack_configs:' "$tmp" && grep -q '^    pagerduty_configs:' "$tmp" && amtool check-config "$tmp"
  rc=$?
  rm -f "$tmp"
  return $rc
}
step "the commented Slack and PagerDuty receivers are valid when uncommented" examples_valid
routes() {
  amtool config routes test --config.file=alertmanager/alertmanager.yml --verify.receivers=oncall-webhook \
      severity=critical alertname=TxinsightsJobDown &&
  amtool config routes test --config.file=alertmanager/alertmanager.yml --verify.receivers=team-webhook \
      severity=warning alertname=TxinsightsTransactionsStuck
}
step "critical alerts route to oncall-webhook, warnings to team-webhook" routes

echo "== consistency (alerts, tests, runbooks, docs, dashboards)"
suite python3 test/check_consistency.py --root "$ROOT"

if [[ $STATIC_ONLY -eq 0 ]]; then
  echo "== end to end (real Prometheus and Alertmanager, synthetic Flink exporter)"
  suite python3 test/e2e.py
fi

echo "monitoring/test.sh took $((SECONDS - START)) s"
echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]

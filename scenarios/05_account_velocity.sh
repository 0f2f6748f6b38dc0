#!/usr/bin/env bash
# Scenario 05_account_velocity: 1,500 transactions in 30 s over 1,000 accounts; 2% start a burst of 6 transactions from one account within 3 s.
#
# Writes scenarios/05_account_velocity/events.jsonl, scenarios/05_account_velocity/report/truth.json and
# scenarios/05_account_velocity/report/report.html.
# Same output on every run (fixed seed). Extra options override the preset, e.g. --seed 7 or
# --duration 2m; see ./txinsight simulate generate --help. Replay with ./txinsight replay.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/txinsight" simulate generate --preset account_velocity --out "$ROOT/scenarios/05_account_velocity" "$@"
"$ROOT/txinsight" report --file "$ROOT/scenarios/05_account_velocity/events.jsonl" --out "$ROOT/scenarios/05_account_velocity/report"

#!/usr/bin/env bash
# Scenario 02_stuck_transactions: 1,200 transactions in 40 s; 5% stop before their close and never close, 2% go silent past the stuck timeout and then close late.
#
# Writes scenarios/02_stuck_transactions/events.jsonl, scenarios/02_stuck_transactions/report/truth.json and
# scenarios/02_stuck_transactions/report/report.html.
# Same output on every run (fixed seed). Extra options override the preset, e.g. --seed 7 or
# --duration 2m; see ./txinsight simulate generate --help. Replay with ./txinsight replay.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/txinsight" simulate generate --preset stuck_transactions --out "$ROOT/scenarios/02_stuck_transactions" "$@"
"$ROOT/txinsight" report --file "$ROOT/scenarios/02_stuck_transactions/events.jsonl" --out "$ROOT/scenarios/02_stuck_transactions/report"

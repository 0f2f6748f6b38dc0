#!/usr/bin/env bash
# Scenario 04_outliers_and_disorder: 2,000 transactions in 30 s; 5% outliers (one step far slower), 20% out-of-order delivery, 5% resent duplicates, a few malformed records.
#
# Writes scenarios/04_outliers_and_disorder/events.jsonl, scenarios/04_outliers_and_disorder/report/truth.json and
# scenarios/04_outliers_and_disorder/report/report.html.
# Same output on every run (fixed seed). Extra options override the preset, e.g. --seed 7 or
# --duration 2m; see ./txinsight simulate generate --help. Replay with ./txinsight replay.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/txinsight" simulate generate --preset outliers_and_disorder --out "$ROOT/scenarios/04_outliers_and_disorder" "$@"
"$ROOT/txinsight" report --file "$ROOT/scenarios/04_outliers_and_disorder/events.jsonl" --out "$ROOT/scenarios/04_outliers_and_disorder/report"

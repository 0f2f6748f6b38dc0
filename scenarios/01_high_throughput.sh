#!/usr/bin/env bash
# Scenario 01_high_throughput: 50,000 transactions in 30 s (~17,000 events/s) with light trouble: sustained load for throughput and consumer lag.
#
# Writes scenarios/01_high_throughput/events.jsonl, scenarios/01_high_throughput/report/truth.json and
# scenarios/01_high_throughput/report/report.html.
# Same output on every run (fixed seed). Extra options override the preset, e.g. --seed 7 or
# --duration 2m; see ./txinsight simulate generate --help. Replay with ./txinsight replay.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/txinsight" simulate generate --preset high_throughput --out "$ROOT/scenarios/01_high_throughput" "$@"
"$ROOT/txinsight" report --file "$ROOT/scenarios/01_high_throughput/events.jsonl" --out "$ROOT/scenarios/01_high_throughput/report"

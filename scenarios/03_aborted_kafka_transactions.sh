#!/usr/bin/env bash
# Scenario 03_aborted_kafka_transactions: 1,500 transactions in 30 s; 10% of the Kafka transactions abort, rolling back the closes they carry (verdict: aborted).
#
# Writes scenarios/03_aborted_kafka_transactions/events.jsonl, scenarios/03_aborted_kafka_transactions/report/truth.json and
# scenarios/03_aborted_kafka_transactions/report/report.html.
# Same output on every run (fixed seed). Extra options override the preset, e.g. --seed 7 or
# --duration 2m; see ./txinsight simulate generate --help. Replay with ./txinsight replay.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/txinsight" simulate generate --preset aborted_kafka_transactions --out "$ROOT/scenarios/03_aborted_kafka_transactions" "$@"
"$ROOT/txinsight" report --file "$ROOT/scenarios/03_aborted_kafka_transactions/events.jsonl" --out "$ROOT/scenarios/03_aborted_kafka_transactions/report"

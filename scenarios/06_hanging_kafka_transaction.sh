#!/usr/bin/env bash
# Scenario 06_hanging_kafka_transaction: 1,200 transactions in 40 s; one Kafka transaction stays open for 15 s, pinning the last stable offset, then aborts.
#
# Writes scenarios/06_hanging_kafka_transaction/events.jsonl, scenarios/06_hanging_kafka_transaction/report/truth.json and
# scenarios/06_hanging_kafka_transaction/report/report.html.
# Same output on every run (fixed seed). Extra options override the preset, e.g. --seed 7 or
# --duration 2m; see ./txinsight simulate generate --help. Replay with ./txinsight replay.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/txinsight" simulate generate --preset hanging_kafka_transaction --out "$ROOT/scenarios/06_hanging_kafka_transaction" "$@"
"$ROOT/txinsight" report --file "$ROOT/scenarios/06_hanging_kafka_transaction/events.jsonl" --out "$ROOT/scenarios/06_hanging_kafka_transaction/report"

#!/usr/bin/env python3
"""A stand-in for txinsight's Flink Prometheus reporter endpoint, for testing the monitoring.

Serves, on /metrics, series named and labelled exactly as Flink's PrometheusReporter exports the
job's metrics (flink_taskmanager_job_task_operator_txinsights_<group keys>_<name> with Flink's
scope labels, every character outside [a-zA-Z0-9:_] in label values replaced by "_", counters as
gauges) plus the Flink job-health metrics the dashboards read. Two TransactionTracker subtasks,
two transaction types. Every scrape of /metrics advances the simulated job by one tick, so
counters and buckets grow and gauges move.

Drive conditions with POST /control?<name>=<value> (all optional, integers):
  stuck=N               subtask 0 reports N stuck transactions (and counts them as newly stuck)
  restarts=N            flink_jobmanager_job_numRestarts
  failed_checkpoints=N  flink_jobmanager_job_numberOfFailedCheckpoints
  lag_ms=N              committed-view lag of subtask 1 (a pinned last stable offset)
  hanging=N             the collector reports N hanging Kafka transactions on txn-events partition 1
  tracker=0|1           0 stops serving the tracker's metrics (the job is down)
GET /control returns the current settings as JSON.

Run it by hand and point a Prometheus at it:
  python3 monitoring/test/flink_exporter.py --port 9249
Python 3.11 standard library only.
"""

import argparse
import functools
import hashlib
import json
import math
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

OPERATOR_PREFIX = "flink_taskmanager_job_task_operator_txinsights_"
BUCKETS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000]
# The amounts' bounds (job/.../metrics/AmountBuckets.java): the 1-2-5 series of coins and notes.
AMOUNT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]
EVENT_TYPES = ["transaction_open", "step_open", "step_done", "transaction_close"]
VIEWS = ["monitor", "committed"]

JOB_ID = "9f0c3e1b6a5d4c2e8b7a6f5e4d3c2b1a"
JOB_NAME = "txinsight"
HOST = "localhost"
TM_ID = "localhost:40231_6f1e2d"

# transaction type -> per-tick opens per subtask, median duration ms, steps, currencies, median amount
TYPES = {
    "payment": {"per_tick": 12, "median_ms": 300.0, "steps": ["validate", "reserve_funds", "capture"],
                "currencies": ["EUR", "USD"], "median_amount": 40.0},
    "refund": {"per_tick": 4, "median_ms": 900.0, "steps": ["validate", "refund"],
               "currencies": ["EUR"], "median_amount": 25.0},
}
# The active accounts: one subtask of their own operator, a gauge per window.
ACCOUNTS_OPERATOR = "Active accounts (1m, 5m, 15m)"
ACCOUNT_WINDOWS = {"1m": 300, "5m": 1200, "15m": 3000}

# Flink tasks (operator chains) of the job: task name -> operator names
TASKS = {
    "Source: monitor": ["Source: monitor", "DecodeMonitor"],
    "Source: committed": ["Source: committed", "DecodeCommitted"],
    "TransactionTracker -> Sink: outcomes": ["TransactionTracker", "Sink: outcomes"],
    ACCOUNTS_OPERATOR: [ACCOUNTS_OPERATOR],
    "VelocityDetector -> Sink: velocity alerts": ["VelocityDetector", "Sink: velocity alerts"],
}
TRACKER_TASK = "TransactionTracker -> Sink: outcomes"
# The Kafka transactions collector: one subtask, series per input topic, partition and view.
COLLECTOR_TASK = "Source: Kafka transactions: poll ticks -> Kafka transactions at the broker"
COLLECTOR_OPERATOR = "Kafka transactions at the broker"
INPUT_TOPIC = "txn-events"
INPUT_PARTITIONS = 3
COLLECTOR_FAILURES = ["denied_cluster", "denied_transactional_id", "denied_topic", "denied_group", "timeout", "other"]
VELOCITY_TASK = "VelocityDetector -> Sink: velocity alerts"


@functools.lru_cache(maxsize=None)
def flink_label_value(value):
    """What the reporter does to label values by default (filterLabelValueCharacters: true)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in ":_") else "_" for c in str(value))


def hex_id(*parts):
    """A stable 32-hex-digit id, like Flink's job, task and operator ids."""
    return hashlib.md5("/".join(map(str, parts)).encode()).hexdigest()


class Registry:
    """Metric families in exposition order: raw name -> (help, {label tuple: value})."""

    def __init__(self):
        self.families = {}

    @staticmethod
    def _help(name, scope):
        # Flink's HELP line: the metric's own name and its logical scope.
        return f"{name[len('flink_' + scope + '_'):]} (scope: {scope})"

    def set(self, name, labels, value, scope):
        help_text, series = self.families.setdefault(name, (self._help(name, scope), {}))
        series[tuple(labels.items())] = value

    def add(self, name, labels, delta, scope):
        help_text, series = self.families.setdefault(name, (self._help(name, scope), {}))
        key = tuple(labels.items())
        series[key] = series.get(key, 0.0) + delta

    def get(self, name, labels):
        return self.families.get(name, ("", {}))[1].get(tuple(labels.items()), 0.0)

    def render(self, filter_label_values=True, skip_prefix=None):
        out = []
        for name, (help_text, series) in self.families.items():
            if skip_prefix and name.startswith(skip_prefix):
                continue
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} gauge")
            for labels, value in series.items():
                # Flink writes a comma after every label, the last one too.
                rendered = "".join(f'{k}="{flink_label_value(v) if filter_label_values else v}",' for k, v in labels)
                out.append(f"{name}{{{rendered}}} {float(value)!r}")
        return "\n".join(out) + "\n"


class FlinkJob:
    """The simulated job: what its metrics would read after each tick."""

    def __init__(self, seed=7, filter_label_values=True):
        self.rng = random.Random(seed)
        self.filter_label_values = filter_label_values
        self.lock = threading.Lock()
        self.registry = Registry()
        self.ticks = 0
        self.settings = {"stuck": 0, "restarts": 0, "failed_checkpoints": 0, "lag_ms": 0, "tracker": 1, "hanging": 0}
        self.completed_checkpoints = 0
        self.stuck_counted = 0
        self._register_all()

    # ------------------------------------------------------------------ labels
    def _task_labels(self, task, subtask):
        return {
            "job_id": JOB_ID, "job_name": JOB_NAME, "task_id": hex_id(task),
            "task_name": task, "task_attempt_id": hex_id(task, subtask, "attempt"),
            "task_attempt_num": "0", "tm_id": TM_ID, "host": HOST, "subtask_index": str(subtask),
        }

    def _operator_labels(self, task, operator, subtask):
        labels = self._task_labels(task, subtask)
        labels.update({"operator_id": hex_id(task, operator), "operator_name": operator})
        return labels

    def _tracker(self, subtask, **own):
        labels = self._operator_labels(TRACKER_TASK, "TransactionTracker", subtask)
        labels.update(own)
        return labels

    # ------------------------------------------------------------------ txinsights metrics
    @staticmethod
    def _raw(name, keys):
        return OPERATOR_PREFIX + "".join(k + "_" for k in keys) + name

    def _count(self, subtask, name, keys, delta, **own):
        """A user Counter under txinsights -> key/value groups (keys in group order)."""
        scope = "taskmanager_job_task_operator_txinsights" + "".join("_" + k for k in keys)
        self.registry.add(self._raw(name, keys), self._tracker(subtask, **own), delta, scope)

    def _velocity_count(self, subtask, name, delta):
        """A counter of the VelocityDetector operator, without labels of its own."""
        labels = self._operator_labels(VELOCITY_TASK, "VelocityDetector", subtask)
        self.registry.add(self._raw(name, []), labels, delta, "taskmanager_job_task_operator_txinsights")

    def _gauge(self, subtask, name, value):
        self.registry.set(self._raw(name, []), self._tracker(subtask), value,
                          "taskmanager_job_task_operator_txinsights")

    def _collector(self, name, keys, value, add=False, **own):
        """A series of the Kafka transactions collector (one subtask), under txinsights -> its keys."""
        labels = self._operator_labels(COLLECTOR_TASK, COLLECTOR_OPERATOR, 0)
        labels.update(own)
        scope = "taskmanager_job_task_operator_txinsights" + "".join("_" + k for k in keys)
        if add:
            self.registry.add(self._raw(name, keys), labels, value, scope)
        else:
            self.registry.set(self._raw(name, keys), labels, value, scope)

    def _observe(self, subtask, name, keys, own, values, bounds=BUCKETS):
        """A distribution as cumulative bucket counters: <name>_bucket per le, _count, _sum."""
        for le in bounds + [math.inf]:
            n = sum(1 for v in values if v <= le)
            le_label = "+Inf" if le == math.inf else str(le)
            self._count(subtask, name + "_bucket", keys + ["le"], n, **own, le=le_label)
        self._count(subtask, name + "_count", keys, len(values), **own)
        self._count(subtask, name + "_sum", keys, sum(values), **own)

    def _register_all(self):
        """Registers every series at 0 first, as the job does when the tracker opens."""
        for s in (0, 1):
            for t, spec in TYPES.items():
                for name in ("opened", "tentatively_closed", "aborted", "stuck", "recovered", "expired", "outliers"):
                    self._count(s, name, ["txn_type"], 0, txn_type=t)
                for status in ("success", "failed"):
                    self._count(s, "closed", ["txn_type", "status"], 0, txn_type=t, status=status)
                for name in ("duration_ms", "tentative_duration_ms", "commit_latency_ms", "inter_step_gap_ms"):
                    self._observe(s, name, ["txn_type"], {"txn_type": t}, [])
                for step in spec["steps"]:
                    self._observe(s, "step_duration_ms", ["txn_type", "step"], {"txn_type": t, "step": step}, [])
                for c in spec["currencies"]:
                    self._observe(s, "amount", ["txn_type", "currency"], {"txn_type": t, "currency": c}, [],
                                  AMOUNT_BUCKETS)
            for view in VIEWS:
                for et in EVENT_TYPES:
                    self._count(s, "events", ["view", "event_type"], 0, view=view, event_type=et)
                for reason in ("not_json", "missing_field"):
                    self._count(s, "malformed", ["view", "reason"], 0, view=view, reason=reason)
                self._count(s, "late", ["view"], 0, view=view)
                self._count(s, "duplicates", ["view"], 0, view=view)
            self._count(s, "dead_lettered", [], 0)
            for attribute in ("account", "amount", "currency", "merchant", "category"):
                for reason in ("missing", "wrong_type"):
                    self._count(s, "open_attribute_problems", ["attribute", "reason"], 0,
                                attribute=attribute, reason=reason)
            for name in ("velocity_opens", "velocity_bursts", "velocity_late", "velocity_duplicates"):
                self._velocity_count(s, name, 0)
        self._collector("kafka_collector_polls", [], 0, add=True)
        for reason in COLLECTOR_FAILURES:
            self._collector("kafka_collector_failures", ["reason"], 0, add=True, reason=reason)
        self._flink_metrics()
        self._gauges()

    def _lognormal(self, median):
        return median * math.exp(self.rng.gauss(0.0, 0.6))

    def _tick_tracker(self):
        rng = self.rng
        for s in (0, 1):
            for t, spec in TYPES.items():
                opened = max(0, spec["per_tick"] + rng.randint(-3, 3))
                aborted = sum(1 for _ in range(opened) if rng.random() < 0.03)
                failed = sum(1 for _ in range(opened - aborted) if rng.random() < 0.05)
                success = opened - aborted - failed
                self._count(s, "opened", ["txn_type"], opened, txn_type=t)
                self._count(s, "tentatively_closed", ["txn_type"], opened, txn_type=t)
                self._count(s, "closed", ["txn_type", "status"], success, txn_type=t, status="success")
                self._count(s, "closed", ["txn_type", "status"], failed, txn_type=t, status="failed")
                self._count(s, "aborted", ["txn_type"], aborted, txn_type=t)
                self._count(s, "expired", ["txn_type"], 1 if rng.random() < 0.02 else 0, txn_type=t)
                self._count(s, "outliers", ["txn_type"], 1 if rng.random() < 0.1 else 0, txn_type=t)
                closed = success + failed
                durations = [self._lognormal(spec["median_ms"]) for _ in range(closed)]
                self._observe(s, "duration_ms", ["txn_type"], {"txn_type": t}, durations)
                self._observe(s, "tentative_duration_ms", ["txn_type"], {"txn_type": t},
                              [d * 0.8 for d in durations] + [self._lognormal(spec["median_ms"]) for _ in range(aborted)])
                self._observe(s, "commit_latency_ms", ["txn_type"], {"txn_type": t},
                              [self._lognormal(120.0) for _ in range(closed)])
                self._observe(s, "inter_step_gap_ms", ["txn_type"], {"txn_type": t},
                              [self._lognormal(20.0) for _ in range(opened * len(spec["steps"]))])
                for step in spec["steps"]:
                    self._observe(s, "step_duration_ms", ["txn_type", "step"], {"txn_type": t, "step": step},
                                  [self._lognormal(spec["median_ms"] / (len(spec["steps"]) + 1)) for _ in range(opened)])
                for i, c in enumerate(spec["currencies"]):
                    share = closed // len(spec["currencies"]) + (1 if i < closed % len(spec["currencies"]) else 0)
                    self._observe(s, "amount", ["txn_type", "currency"], {"txn_type": t, "currency": c},
                                  [round(self._lognormal(spec["median_amount"]), 2) for _ in range(share)],
                                  AMOUNT_BUCKETS)
                steps = opened * len(spec["steps"])
                for view, share in (("monitor", 1.0), ("committed", 0.97)):
                    for et, n in (("transaction_open", opened), ("step_open", steps), ("step_done", steps),
                                  ("transaction_close", opened)):
                        self._count(s, "events", ["view", "event_type"], round(n * share), view=view, event_type=et)
            bad = 1 if rng.random() < 0.2 else 0
            self._count(s, "malformed", ["view", "reason"], bad, view="monitor", reason="not_json")
            self._count(s, "malformed", ["view", "reason"], 0, view="committed", reason="missing_field")
            self._count(s, "dead_lettered", [], bad)
            self._count(s, "late", ["view"], 1 if rng.random() < 0.3 else 0, view="monitor")
            self._count(s, "duplicates", ["view"], 1 if rng.random() < 0.2 else 0, view="committed")
            opens = sum(max(0, spec["per_tick"]) for spec in TYPES.values())
            self._velocity_count(s, "velocity_opens", opens)
            self._velocity_count(s, "velocity_bursts", 1 if rng.random() < 0.05 else 0)
        self._collector("kafka_collector_polls", [], 1, add=True)
        self._collector("kafka_collector_failures", ["reason"], 1 if rng.random() < 0.05 else 0, add=True,
                        reason="timeout")
        stuck = self.settings["stuck"]
        if stuck > self.stuck_counted:
            self._count(0, "stuck", ["txn_type"], stuck - self.stuck_counted, txn_type="payment")
        elif stuck < self.stuck_counted:
            self._count(0, "recovered", ["txn_type"], self.stuck_counted - stuck, txn_type="payment")
        self.stuck_counted = stuck

    def _gauges(self):
        rng = self.rng
        for s in (0, 1):
            self._gauge(s, "open_now", 40 + rng.randint(-5, 5) + (self.settings["stuck"] if s == 0 else 0))
            self._gauge(s, "tentatively_closed_now", 3 + rng.randint(0, 3))
            self._gauge(s, "stuck_now", self.settings["stuck"] if s == 0 else 0)
            self._gauge(s, "held_back_now", 0)
            self._gauge(s, "oldest_open_age_ms", 2500 + rng.randint(0, 1500))
            lag = self.settings["lag_ms"] if s == 1 and self.settings["lag_ms"] else 200 + rng.randint(0, 700)
            self._gauge(s, "committed_view_lag_ms", lag)
            for view in VIEWS:
                # Each view's readers: how long since Kafka last answered, and whether it does.
                self.registry.set(self._raw("input_fetch_age_ms", ["view"]), self._tracker(s, view=view),
                                  100 + rng.randint(0, 500), "taskmanager_job_task_operator_txinsights_view")
                self.registry.set(self._raw("input_reachable", ["view"]), self._tracker(s, view=view), 1,
                                  "taskmanager_job_task_operator_txinsights_view")
        self._collector_gauges()
        accounts = self._operator_labels(ACCOUNTS_OPERATOR, ACCOUNTS_OPERATOR, 0)
        for window, typical in ACCOUNT_WINDOWS.items():
            self.registry.set(self._raw("active_accounts", ["window"]), {**accounts, "window": window},
                              typical + rng.randint(-typical // 10, typical // 10),
                              "taskmanager_job_task_operator_txinsights_window")

    def _collector_gauges(self):
        """What the collector's last poll said: a few short-lived open transactions, or a hanging one on partition 1."""
        rng, hanging = self.rng, self.settings["hanging"]
        open_now = rng.randint(0, 3)
        self._collector("kafka_open_transactions", ["topic"], open_now + hanging, topic=INPUT_TOPIC)
        self._collector("kafka_long_open_transactions", ["topic"], 0, topic=INPUT_TOPIC)
        self._collector("kafka_hanging_transactions", ["topic"], hanging, topic=INPUT_TOPIC)
        self._collector("kafka_oldest_transaction_age_ms", ["topic"], 960_000 if hanging else 150 * open_now,
                        topic=INPUT_TOPIC)
        for p in range(INPUT_PARTITIONS):
            pinned = hanging and p == 1
            lso_records = 40 * self.ticks if pinned else rng.randint(0, 20)
            lso_ms = 960_000 + 1000 * self.ticks if pinned else rng.randint(0, 300)
            self._collector("lso_lag_records", ["topic", "partition"], lso_records, topic=INPUT_TOPIC, partition=p)
            self._collector("lso_lag_ms", ["topic", "partition"], lso_ms, topic=INPUT_TOPIC, partition=p)
            for view in VIEWS:
                # As of the last checkpoint; the committed view is measured against the LSO.
                self._collector("input_lag_records", ["view", "topic", "partition"], rng.randint(0, 200),
                                view=view, topic=INPUT_TOPIC, partition=p)
                self._collector("input_lag_ms", ["view", "topic", "partition"], rng.randint(0, 12_000),
                                view=view, topic=INPUT_TOPIC, partition=p)

    # ------------------------------------------------------------------ Flink's own metrics
    def _flink_metrics(self):
        reg, rng = self.registry, self.rng
        jm = {"host": HOST}
        job = {"job_id": JOB_ID, "job_name": JOB_NAME, "host": HOST}
        reg.set("flink_jobmanager_numRunningJobs", jm, 1 if self.settings["tracker"] else 0, "jobmanager")
        reg.set("flink_jobmanager_numRegisteredTaskManagers", jm, 1, "jobmanager")
        if self.settings["tracker"]:
            if self.ticks % 5 == 0:
                self.completed_checkpoints += 1
            reg.set("flink_jobmanager_job_uptime", job, self.ticks * 1000.0, "jobmanager_job")
            reg.set("flink_jobmanager_job_numRestarts", job, self.settings["restarts"], "jobmanager_job")
            reg.set("flink_jobmanager_job_numberOfCompletedCheckpoints", job, self.completed_checkpoints, "jobmanager_job")
            reg.set("flink_jobmanager_job_numberOfFailedCheckpoints", job, self.settings["failed_checkpoints"], "jobmanager_job")
            reg.set("flink_jobmanager_job_lastCheckpointDuration", job, 80 + rng.randint(0, 80), "jobmanager_job")
            for task, operators in TASKS.items():
                for s in (0, 1):
                    labels = self._task_labels(task, s)
                    bp = rng.randint(0, 50) if task.startswith("Source") else 0
                    reg.set("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", labels, bp, "taskmanager_job_task")
                    reg.set("flink_taskmanager_job_task_busyTimeMsPerSecond", labels, rng.randint(50, 400), "taskmanager_job_task")
                    for op in operators:
                        reg.set("flink_taskmanager_job_task_operator_numRecordsInPerSecond",
                                self._operator_labels(task, op, s), 0 if op.startswith("Source") else 60 + rng.randint(0, 40),
                                "taskmanager_job_task_operator")
        else:
            # Flink unregisters a job's metrics when the job stops.
            for name in list(reg.families):
                if name.startswith("flink_jobmanager_job_") or name.startswith("flink_taskmanager_job_"):
                    del reg.families[name]

    # ------------------------------------------------------------------ API
    def scrape(self):
        with self.lock:
            self.ticks += 1
            if self.settings["tracker"]:
                self._tick_tracker()
                self._gauges()
            self._flink_metrics()
            return self.registry.render(self.filter_label_values,
                                        skip_prefix=None if self.settings["tracker"] else OPERATOR_PREFIX)

    def control(self, **changes):
        with self.lock:
            for key, value in changes.items():
                if key not in self.settings:
                    raise KeyError(f"unknown setting {key!r}; known: {', '.join(self.settings)}")
                self.settings[key] = int(value)
            return dict(self.settings)


def make_server(job, host="127.0.0.1", port=0):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/metrics":
                self._reply(200, job.scrape(), "text/plain; version=0.0.4; charset=utf-8")
            elif url.path == "/control":
                self._reply(200, json.dumps(job.control()), "application/json")
            else:
                self._reply(404, "try /metrics or /control\n", "text/plain")

        def do_POST(self):
            url = urlparse(self.path)
            if url.path != "/control":
                self._reply(404, "POST /control?stuck=3\n", "text/plain")
                return
            try:
                changes = {k: v[-1] for k, v in parse_qs(url.query).items()}
                self._reply(200, json.dumps(job.control(**changes)), "application/json")
            except (KeyError, ValueError) as e:
                self._reply(400, f"{e}\n", "text/plain")

        def _reply(self, code, body, content_type):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer((host, port), Handler)


def main():
    parser = argparse.ArgumentParser(
        description="Serve synthetic txinsight metrics in Flink's Prometheus reporter format.",
        epilog="Example: %(prog)s --port 9249, then curl -s localhost:9249/metrics | head; "
               "curl -XPOST 'localhost:9249/control?stuck=3' makes transactions stuck.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=9249, help="port, 0 for any free one (default %(default)s)")
    parser.add_argument("--seed", type=int, default=7, help="random seed, same seed same figures")
    parser.add_argument("--no-label-filter", action="store_true",
                        help="write label values as they are, like metrics.reporter.prom.filterLabelValueCharacters: "
                             'false; by default they are filtered as Flink does, so the bucket "+Inf" reads "_Inf"')
    args = parser.parse_args()
    server = make_server(FlinkJob(seed=args.seed, filter_label_values=not args.no_label_filter), args.host, args.port)
    print(f"serving synthetic Flink metrics on http://{args.host}:{server.server_address[1]}/metrics", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

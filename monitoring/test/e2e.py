#!/usr/bin/env python3
"""End-to-end check of monitoring/ with a real Prometheus and a real Alertmanager.

  1. Serves synthetic metrics in Flink's reporter format (flink_exporter.py), the real Flink
     2.2.1 reporter sample (flink-2.2.1-reporter-sample.prom) and a webhook that records
     Alertmanager's notifications, all in this process on free 127.0.0.1 ports.
  2. Renders our prometheus/ and alertmanager/ configuration into a temporary directory with only
     what a test must change: the scrape target (the exporter), 1 s scrape and evaluation
     intervals, the "for" of the alerts it drives cut to 2 s (promtool test rules covers
     the real durations), the Alertmanager address, the webhook URLs and 1 s grouping waits.
  3. Starts Prometheus and Alertmanager on free ports with temporary storage, checks the
     relabeled series of both targets, runs check_queries.py (every rule, annotation and dashboard query; every
     Overview panel must return data), then makes transactions stuck and follows the stuck alert
     from Prometheus to Alertmanager to the warning webhook, makes a Kafka transaction hang and
     follows TxinsightsKafkaTransactionHanging to the critical webhook and back, checks that a
     TxinsightsJobDown alert inhibits the stuck alert, and that it resolves when the
     transactions recover.
  4. Stops both servers by PID and removes the temporary directory (--keep keeps it).

Prints one PASS/FAIL line per check and "e2e: N passed, N failed" last; exit status 1 on any
failure. Needs prometheus and prometheus-alertmanager (Debian packages) on PATH.
Python 3.11 standard library only.
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_queries  # noqa: E402
import flink_exporter  # noqa: E402

MONITORING = os.path.dirname(HERE)
# Real reporter output (see its header), scraped as a second target to check the relabeling on it.
FLINK_SAMPLE = os.path.join(HERE, "flink-2.2.1-reporter-sample.prom")
# The sample's job is named "flink-sample"; the reporter's label value filter makes it flink_sample.
SAMPLE_JOB = "flink_sample"

# The documented series after relabeling: name -> the metric's own labels.
COUNTERS = {
    "opened": {"txn_type"}, "tentatively_closed": {"txn_type"}, "closed": {"txn_type", "status"},
    "aborted": {"txn_type"}, "stuck": {"txn_type"}, "recovered": {"txn_type"}, "expired": {"txn_type"},
    "outliers": {"txn_type"}, "events": {"view", "event_type"}, "malformed": {"view", "reason"},
    "late": {"view"}, "duplicates": {"view"}, "dead_lettered": set(),
    "open_attribute_problems": {"attribute", "reason"},
    "velocity_opens": set(), "velocity_bursts": set(), "velocity_late": set(), "velocity_duplicates": set(),
    "kafka_collector_polls": set(), "kafka_collector_failures": {"reason"},
}
GAUGES = ["open_now", "tentatively_closed_now", "stuck_now", "held_back_now", "oldest_open_age_ms", "committed_view_lag_ms"]
# Gauges with labels of their own.
LABELLED_GAUGES = {"active_accounts": {"window"}, "input_fetch_age_ms": {"view"}, "input_reachable": {"view"},
                   "kafka_open_transactions": {"topic"}, "kafka_long_open_transactions": {"topic"},
                   "kafka_hanging_transactions": {"topic"}, "kafka_oldest_transaction_age_ms": {"topic"},
                   "lso_lag_records": {"topic", "partition"}, "lso_lag_ms": {"topic", "partition"},
                   "input_lag_records": {"view", "topic", "partition"}, "input_lag_ms": {"view", "topic", "partition"}}
DISTRIBUTIONS = {
    "duration_ms": {"txn_type"}, "tentative_duration_ms": {"txn_type"}, "commit_latency_ms": {"txn_type"},
    "step_duration_ms": {"txn_type", "step"}, "inter_step_gap_ms": {"txn_type"},
    "amount": {"txn_type", "currency"},
}
# The alerts this test drives, their "for" cut to 2 s in its copy of the rules.
DRIVEN_ALERTS = ["TxinsightsTransactionsStuck", "TxinsightsKafkaTransactionHanging"]
DROPPED = {"job_id", "task_id", "task_attempt_id", "task_attempt_num", "tm_id", "operator_id"}
KEPT = {"job_name", "subtask_index"}


def documented_series():
    out = {f"txinsights_{n}": labels for n, labels in COUNTERS.items()}
    out.update({f"txinsights_{n}": set() for n in GAUGES})
    out.update({f"txinsights_{n}": labels for n, labels in LABELLED_GAUGES.items()})
    for n, labels in DISTRIBUTIONS.items():
        out[f"txinsights_{n}_bucket"] = labels | {"le"}
        out[f"txinsights_{n}_count"] = labels
        out[f"txinsights_{n}_sum"] = labels
    return out


# ------------------------------------------------------------------------------------ plumbing

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    """Child processes get SIGTERM if this script dies without cleaning up (Linux prctl)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Servers:
    """The Prometheus and Alertmanager processes this run started; stopped by PID."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = {}

    def start(self, name, argv):
        log = open(os.path.join(self.workdir, f"{name}.log"), "w")
        self.procs[name] = (subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                             preexec_fn=_die_with_parent), log)

    def check_alive(self):
        for name, (proc, _) in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with status {proc.returncode}:\n{self.log_tail(name)}")

    def log_tail(self, name, lines=15):
        path = os.path.join(self.workdir, f"{name}.log")
        try:
            with open(path) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        for name, (proc, log) in self.procs.items():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()


class WebhookSink:
    """Records Alertmanager webhook notifications (path, payload); serves FLINK_SAMPLE on GET."""

    def __init__(self):
        self.received = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                sink.received.append((self.path, json.loads(body or b"{}")))
                self.send_response(200)
                self.end_headers()

            def do_GET(self):
                with open(FLINK_SAMPLE, "rb") as f:
                    body = f.read()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]


def http_json(url, data=None, method=None):
    request = urllib.request.Request(url, data=None if data is None else json.dumps(data).encode(),
                                     method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return json.loads(body) if body else None


def wait_for(what, condition, timeout, servers=None):
    """Polls condition() until it returns a truthy value; raises with `what` after timeout s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if servers:
            servers.check_alive()
        try:
            result = condition()
            if result:
                return result
        except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
            last = e
        time.sleep(0.5)  # polling a live server, bounded by timeout
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}" + (f" (last error: {last})" if last else ""))


def replace_once(text, old, new, where):
    if text.count(old) != 1:
        raise AssertionError(f"{where}: expected exactly one {old!r} to adapt for the test, found {text.count(old)}")
    return text.replace(old, new)


# ------------------------------------------------------------------------------------ rendering

def render(workdir, targets, am_port, webhook_port):
    """Our configuration, adapted for a test; targets: {"127.0.0.1:port": component} to scrape as "flink"."""
    prom_dir = os.path.join(workdir, "prometheus")
    shutil.copytree(os.path.join(MONITORING, "prometheus"), prom_dir, ignore=shutil.ignore_patterns("tests"))
    with open(os.path.join(prom_dir, "targets", "flink.yml"), "w") as f:
        for address, component in targets.items():
            f.write(f"- targets: ['{address}']\n  labels:\n    component: {component}\n")
    path = os.path.join(prom_dir, "prometheus.yml")
    with open(path) as f:
        text = f.read()
    text = replace_once(text, "scrape_interval: 15s", "scrape_interval: 1s", path)
    text = replace_once(text, "evaluation_interval: 15s", "evaluation_interval: 1s", path)
    text = replace_once(text, "targets: ['alertmanager:9093']", f"targets: ['127.0.0.1:{am_port}']", path)
    with open(path, "w") as f:
        f.write(text)
    path = os.path.join(prom_dir, "rules", "alerts.yml")
    with open(path) as f:
        text = f.read()
    # Only the alerts this test drives wait less; the others keep their real "for", so that, as
    # in production, TxinsightsStuckRising (which would inhibit it) needs 10 rising minutes.
    for driven in DRIVEN_ALERTS:
        block = re.search(r"(?ms)^\s+- alert: " + driven + r"\n.*?(?=^\s+- alert:)", text)
        if not block or not re.search(r"(?m)^\s+for: \S+$", block.group(0)):
            raise AssertionError(f"{path}: {driven} with a 'for:' duration not found")
        shortened = re.sub(r"(?m)^(\s+)for: \S+$", r"\1for: 2s", block.group(0), count=1)
        text = text[:block.start()] + shortened + text[block.end():]
    with open(path, "w") as f:
        f.write(text)

    am_dir = os.path.join(workdir, "alertmanager")
    os.makedirs(am_dir)
    path = os.path.join(MONITORING, "alertmanager", "alertmanager.yml")
    with open(path) as f:
        text = f.read()
    if "http://alert-receiver:5001/" not in text:
        raise AssertionError(f"{path}: the example webhook URLs http://alert-receiver:5001/... are gone")
    text = text.replace("http://alert-receiver:5001/", f"http://127.0.0.1:{webhook_port}/")
    text = re.sub(r"(?m)^(\s+)group_(wait|interval): \S+$", r"\1group_\2: 1s", text)
    am_config = os.path.join(am_dir, "alertmanager.yml")
    with open(am_config, "w") as f:
        f.write(text)
    return os.path.join(prom_dir, "prometheus.yml"), am_config


def binaries():
    """(prometheus, alertmanager) executables, or None when the Debian packages are missing."""
    prometheus_bin = shutil.which("prometheus")
    alertmanager_bin = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    if not prometheus_bin or not alertmanager_bin:
        print("FAIL prometheus and prometheus-alertmanager must be installed: "
              "apt-get install -y --no-install-recommends prometheus prometheus-alertmanager")
        return None
    return prometheus_bin, alertmanager_bin


def rendered_configs_valid(prom_config, am_config):
    for argv in (["promtool", "check", "config", prom_config], ["amtool", "check-config", am_config]):
        out = subprocess.run(argv, capture_output=True, text=True)
        if out.returncode != 0:
            raise AssertionError(f"{' '.join(argv)}:\n{out.stdout}{out.stderr}")


def start_monitoring(servers, bins, prom_config, am_config, prom_port, am_port, timeout):
    """Starts Alertmanager and Prometheus on 127.0.0.1 with storage in servers.workdir; waits until ready."""
    prometheus_bin, alertmanager_bin = bins
    servers.start("alertmanager", [alertmanager_bin, f"--config.file={am_config}",
                                   f"--storage.path={os.path.join(servers.workdir, 'am-data')}",
                                   f"--web.listen-address=127.0.0.1:{am_port}",
                                   "--cluster.listen-address=", "--log.level=warn"])
    servers.start("prometheus", [prometheus_bin, f"--config.file={prom_config}",
                                 f"--storage.tsdb.path={os.path.join(servers.workdir, 'prom-data')}",
                                 f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"])
    urls = (f"http://127.0.0.1:{prom_port}", f"http://127.0.0.1:{am_port}")
    for url in urls:
        wait_for(f"{url}/-/ready", lambda u=url: urllib.request.urlopen(f"{u}/-/ready", timeout=2).status == 200,
                 timeout, servers)
    return "Prometheus {}, Alertmanager {}".format(*urls)


# ------------------------------------------------------------------------------------ the run

class Run:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, title, fn, *args):
        try:
            detail = fn(*args)
        except Exception as e:  # a failed check must not stop the report
            self.failed += 1
            print(f"FAIL {title}\n       - {str(e).strip()}", flush=True)
            return None
        self.passed += 1
        print(f"PASS {title}" + (f": {detail}" if isinstance(detail, str) and detail else ""), flush=True)
        return detail if detail is not None else True


def main(argv=None):
    parser = argparse.ArgumentParser(description="End-to-end check of monitoring/ with a real Prometheus "
                                                 "and Alertmanager fed by a synthetic Flink exporter.")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (configs, logs, TSDB)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for each condition (default %(default)s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    bins = binaries()
    if not bins:
        print("e2e: 0 passed, 1 failed")
        return 1

    run = Run()
    workdir = tempfile.mkdtemp(prefix="txinsight-monitoring-e2e-")
    job = flink_exporter.FlinkJob()
    exporter = flink_exporter.make_server(job)
    sink = WebhookSink()
    for server in (exporter, sink.server):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers = Servers(workdir)
    prom_port, am_port = free_port(), free_port()
    prom_url, am_url = f"http://127.0.0.1:{prom_port}", f"http://127.0.0.1:{am_port}"
    prom = check_queries.Prometheus(prom_url)
    started = time.monotonic()
    try:
        targets = {f"127.0.0.1:{exporter.server_address[1]}": "synthetic", f"127.0.0.1:{sink.port}": "flink-sample"}
        prom_config, am_config = render(workdir, targets, am_port, sink.port)
        run.check("test configuration rendered from ours is valid (promtool, amtool)",
                  rendered_configs_valid, prom_config, am_config)
        if not run.check("Prometheus and Alertmanager start", start_monitoring,
                         servers, bins, prom_config, am_config, prom_port, am_port, args.timeout):
            raise RuntimeError("servers did not start")

        def target_up():
            def up():
                targets = prom.get("/api/v1/targets")["activeTargets"]
                found = [t for t in targets if t["labels"].get("job") == "flink" and t["health"] == "up"]
                return found if len(found) == 2 else None
            found = wait_for("both flink scrape targets to be up", up, args.timeout, servers)
            return ", ".join(t["scrapeUrl"] for t in found)
        run.check("Prometheus scrapes the synthetic exporter and the real Flink 2.2.1 sample", target_up)

        def relabeled():
            expected = documented_series()
            names = wait_for("txinsights_* series", lambda: [n for n in prom.get("/api/v1/label/__name__/values")
                                                             if n.startswith("txinsights_")], args.timeout, servers)
            problems = []
            raw = [n for n in prom.get("/api/v1/label/__name__/values") if "_txinsights_" in n]
            if raw:
                problems.append(f"not renamed: {raw[:5]}")
            if set(names) != set(expected):
                problems.append(f"missing {sorted(set(expected) - set(names))}, "
                                f"unexpected {sorted(set(names) - set(expected))}")
            series = prom.get("/api/v1/series", {"match[]": '{__name__=~"txinsights_.*"}'})
            for s in series:
                keys = set(s) - {"__name__"}
                if keys & DROPPED:
                    problems.append(f"{s['__name__']} still has {sorted(keys & DROPPED)}")
                if not KEPT <= keys:
                    problems.append(f"{s['__name__']} lacks {sorted(KEPT - keys)}")
                own = expected.get(s["__name__"])
                if own is not None and not own <= keys:
                    problems.append(f"{s['__name__']} lacks its labels {sorted(own - keys)}")
                if s.get("le") == "_Inf":
                    problems.append(f"{s['__name__']} has le=\"_Inf\" (should be +Inf)")
                if s["__name__"].startswith("txinsights_duration_ms") and "step" in s:
                    problems.append(f"step durations landed in {s['__name__']}")
            if problems:
                raise AssertionError("\n       - ".join(sorted(set(problems))[:15]))
            return f"{len(names)} documented names, {len(series)} series"
        run.check("relabeling gives the documented names and labels", relabeled)

        def relabeled_real_sample():
            series = prom.get("/api/v1/series", {"match[]": f'{{job_name="{SAMPLE_JOB}"}}'})
            names = {s["__name__"] for s in series}
            expected = {"txinsights_opened", "txinsights_closed", "txinsights_duration_ms_bucket",
                        "txinsights_duration_ms_count", "txinsights_step_duration_ms_bucket",
                        "txinsights_step_duration_ms_count", "txinsights_step_duration_ms_sum",
                        "txinsights_events", "txinsights_malformed", "txinsights_late",
                        "txinsights_dead_lettered", "txinsights_open_now", "txinsights_committed_view_lag_ms"}
            problems = [f"missing {sorted(expected - names)}"] if expected - names else []
            problems += [f"{n} left unrenamed" for n in names if "_txinsights_" in n]
            les = {s.get("le") for s in series if s["__name__"] == "txinsights_duration_ms_bucket"}
            if les != {"250", "+Inf"}:
                problems.append(f"duration buckets have le {sorted(map(str, les))}, expected 250 and +Inf")
            if not any(s.get("txn_type") == "order_v2" for s in series if s["__name__"] == "txinsights_closed"):
                problems.append("txinsights_closed{txn_type=\"order_v2\"} (Flink's filtered order-v2) not found")
            problems += [f"{s['__name__']} still has {sorted(DROPPED & set(s))}" for s in series if DROPPED & set(s)]
            if problems:
                raise AssertionError("\n       - ".join(problems))
            return f"{len(series)} series, le=\"_Inf\" restored to +Inf, step durations kept apart"
        run.check("relabeling works on real Flink 2.2.1 reporter output", relabeled_real_sample)

        print("---- check_queries.py --strict (every rule, annotation and dashboard query)", flush=True)
        report = check_queries.check(prom_url, strict=True, wait=args.timeout)
        print("----", flush=True)
        # Its PASS/FAIL lines are this run's checks too.
        run.passed += len(report.results) - report.failed
        run.failed += report.failed

        def alerts(name):
            return [a for a in prom.get("/api/v1/alerts")["alerts"] if a["labels"]["alertname"] == name]

        def healthy_quiet():
            # The real sample is a frozen page: its job "receives no events", which is correct.
            active = [a["labels"]["alertname"] for a in prom.get("/api/v1/alerts")["alerts"]
                      if a["labels"].get("job_name") != SAMPLE_JOB]
            for name in ("TxinsightsTransactionsStuck", "TxinsightsJobDown", "TxinsightsNoEvents"):
                if name in active:
                    raise AssertionError(f"{name} is active before anything is wrong")
            return f"active now: {', '.join(sorted(set(active))) or 'none'}"
        run.check("no stuck, job-down or no-events alert while the job is healthy", healthy_quiet)

        def malformed_fires():
            firing = wait_for("TxinsightsMalformedEvents to fire", lambda: [
                a for a in alerts("TxinsightsMalformedEvents") if a["state"] == "firing"], args.timeout, servers)
            views = sorted(a["labels"].get("view", "?") for a in firing)
            if views != ["monitor"]:
                raise AssertionError(f"expected one alert for view monitor, got {views}")
            return firing[0]["annotations"]["description"][:70] + "..."
        run.check("the exporter's malformed records fire TxinsightsMalformedEvents for the monitor view",
                  malformed_fires)

        job.control(stuck=3)

        def stuck_fires():
            firing = wait_for("TxinsightsTransactionsStuck to fire", lambda: [
                a for a in alerts("TxinsightsTransactionsStuck") if a["state"] == "firing"], args.timeout, servers)
            a = firing[0]
            if a["labels"].get("severity") != "warning" or float(a["value"]) != 3:
                raise AssertionError(f"unexpected alert {a}")
            return f"value {a['value']}, {a['annotations']['description'][:60]}..."
        run.check("stuck transactions fire TxinsightsTransactionsStuck in Prometheus", stuck_fires)

        def am_alerts(name):
            return http_json(f"{am_url}/api/v2/alerts?filter=" + urllib.parse.quote(f'alertname="{name}"'))

        def reaches_alertmanager():
            found = wait_for("the stuck alert in Alertmanager", lambda: am_alerts("TxinsightsTransactionsStuck"),
                             args.timeout, servers)
            a = found[0]
            if not a["annotations"].get("runbook_url", "").startswith("docs/runbooks.md#"):
                raise AssertionError(f"no runbook_url: {a['annotations']}")
            return f"state {a['status']['state']}, receivers {[r['name'] for r in a['receivers']]}"
        run.check("TxinsightsTransactionsStuck reaches Alertmanager", reaches_alertmanager)

        def notified(path, name):
            return [p for route, p in sink.received if route == path and p.get("status") == "firing"
                    and any(a["labels"]["alertname"] == name for a in p.get("alerts", []))]

        def warning_webhook():
            found = wait_for("a /warning webhook notification", lambda: notified("/warning", "TxinsightsTransactionsStuck"),
                             args.timeout, servers)
            return f"receiver {found[0]['receiver']}"
        run.check("Alertmanager routes the warning to the team webhook", warning_webhook)

        job.control(hanging=1)

        def hanging_pages_on_call():
            firing = wait_for("TxinsightsKafkaTransactionHanging to fire", lambda: [
                a for a in alerts("TxinsightsKafkaTransactionHanging") if a["state"] == "firing"], args.timeout, servers)
            a = firing[0]
            if a["labels"].get("severity") != "critical" or a["labels"].get("topic") != "txn_events":
                raise AssertionError(f"unexpected alert {a}")
            found = wait_for("a /critical webhook notification of the hanging transaction",
                             lambda: notified("/critical", "TxinsightsKafkaTransactionHanging"), args.timeout, servers)
            return f"topic {a['labels']['topic']}, receiver {found[0]['receiver']}"
        run.check("a hanging Kafka transaction fires TxinsightsKafkaTransactionHanging and pages on-call",
                  hanging_pages_on_call)
        job.control(hanging=0)
        run.check("the hanging alert resolves once the transaction is aborted", lambda: wait_for(
            "TxinsightsKafkaTransactionHanging to resolve", lambda: not alerts("TxinsightsKafkaTransactionHanging"),
            args.timeout, servers) and "")

        def inhibited_by_job_down():
            now = datetime.now(timezone.utc)
            http_json(f"{am_url}/api/v2/alerts", [{
                "labels": {"alertname": "TxinsightsJobDown", "severity": "critical", "scope": "job"},
                "annotations": {"summary": "posted by e2e.py to test inhibition"},
                "startsAt": now.isoformat(), "endsAt": (now + timedelta(minutes=5)).isoformat()}], method="POST")
            wait_for("TxinsightsTransactionsStuck to be suppressed", lambda: [
                a for a in am_alerts("TxinsightsTransactionsStuck")
                if a["status"]["state"] == "suppressed" and a["status"]["inhibitedBy"]], args.timeout, servers)
            found = wait_for("a /critical webhook notification", lambda: notified("/critical", "TxinsightsJobDown"),
                             args.timeout, servers)
            return f"stuck alert suppressed; JobDown went to receiver {found[0]['receiver']}"
        run.check("a TxinsightsJobDown alert inhibits the per-transaction alerts and pages on-call",
                  inhibited_by_job_down)

        job.control(stuck=0)
        run.check("the stuck alert resolves when the transactions recover", lambda: wait_for(
            "TxinsightsTransactionsStuck to resolve", lambda: not alerts("TxinsightsTransactionsStuck"),
            args.timeout, servers) and "")
    except Exception as e:
        run.failed += 1
        print(f"FAIL e2e aborted: {e}")
    finally:
        if run.failed:
            for name in servers.procs:
                tail = servers.log_tail(name)
                if tail.strip():
                    print(f"---- last lines of {name}.log\n{tail}", end="")
        servers.stop()
        exporter.shutdown()
        sink.server.shutdown()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"e2e: {run.passed} passed, {run.failed} failed ({time.monotonic() - started:.0f} s)")
    return 0 if run.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""End-to-end check of monitoring/ against the REAL txinsight job, not the synthetic exporter.

  1. Starts `./txinsight demo` (embedded Kafka, the job on a local Flink runtime, the "mixed"
     workload replayed with event times shifted to now) on free ports, in its own process group.
  2. Renders our prometheus/ and alertmanager/ configuration exactly as e2e.py does, with the
     demo's Prometheus endpoint as the only "flink" target: 1 s scrape and evaluation intervals,
     the stuck alert's "for" cut to 2 s, the Alertmanager address and a local webhook. Starts a
     real Prometheus and Alertmanager on free 127.0.0.1 ports with temporary storage.
  3. Waits for the job's txinsights_* series, checks their relabeled names and labels, then runs
     check_queries.py: every rule, annotation and dashboard query parses and evaluates, and every
     Overview panel returns data.
  4. Waits until the job's stuck transactions fire TxinsightsTransactionsStuck in Prometheus, and
     until the alert is in Alertmanager (/api/v2/alerts) and notified to the team webhook.
     Waits until the job's amounts (by currency) and active accounts (every window) are in
     Prometheus through the recording rules.
     Waits until the job's outliers fire TxinsightsOutlierRateHigh in Prometheus, its threshold
     lowered to 1% and its "for" to 2 s in the test's copy (the demo's outliers are about 4%).
     Waits until the job's velocity bursts fire TxinsightsVelocityBurst, as shipped.
     Waits until the Kafka transaction the mixed workload holds open for 10 s fires
     TxinsightsKafkaTransactionLongOpen in Prometheus (its ALERTS series) and Alertmanager notifies
     the team webhook of it, runbook included: the demo runs the job's collector every second with
     a long-open age of half the hold, and the test's copy of the rule fires at once ("for: 0s"), as
     the hold lasts only seconds. The hold comes about 55 s into the workload (the preset's seed
     places it); the check reads what stays (ALERTS, the webhook's log), so it adds little to the
     run.
  5. Stops the demo (SIGTERM to its process group, as Ctrl-C would), Prometheus and Alertmanager
     by PID, also on failure, and removes the temporary directory (--keep keeps it).

Prints one PASS/FAIL line per check and "real job e2e: N passed, N failed" last; exit status 1 on
any failure. Takes about 1-2 minutes. Needs Java 17, the launcher's classes (the first
`./txinsight demo --help` builds them; TXINSIGHT_SKIP_BUILD=1 skips that) and Debian's prometheus
and prometheus-alertmanager. Python 3.11 standard library only.
  python3 monitoring/test/real_job_e2e.py [--keep] [--strict] [--preset NAME]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import check_queries  # noqa: E402
import e2e  # noqa: E402

ROOT = os.path.dirname(e2e.MONITORING)
LAUNCHER = os.path.join(ROOT, "txinsight")
STUCK_ALERT = "TxinsightsTransactionsStuck"
OUTLIER_ALERT = "TxinsightsOutlierRateHigh"
VELOCITY_ALERT = "TxinsightsVelocityBurst"
LONG_OPEN_ALERT = "TxinsightsKafkaTransactionLongOpen"
# The mixed workload holds one Kafka transaction open for 10 s; the demo runs the job's collector
# every second with a long-open age of half the hold (DemoCommand.longOpenAfterMs), so the gauge is
# up for about 5 s, several polls and scrapes.
# The demo's input topic (JobConfig's default txn-events) as the alert's "topic" label: the Flink
# reporter's label value filter makes '-' an '_', as it does with the job name.
DEMO_TOPIC = "txn_events"
# The demo's mixed workload makes about 4% of its transactions outliers (3% slow steps, 1% late
# closes), under the alert's 5%, and lasts a minute, not the alert's 10. The check lowers both
# in its copy of the rules: what it proves is that the real job's outlier counter flows through
# the recording rules into the alert with its labels and annotations, not the threshold.
OUTLIER_TEST_THRESHOLD = "0.01"
# The demo names its Flink job txinsight-demo; the reporter's label value filter makes it this.
DEMO_JOB = "txinsight_demo"
STOP_WITHIN_S = 15


class Demo:
    """`./txinsight demo` in its own process group; stopped like Ctrl-C, then killed if it hangs."""

    def __init__(self, workdir, preset, duration, web_port, metrics_port):
        self.log_path = os.path.join(workdir, "demo.log")
        self.argv = [LAUNCHER, "demo", "--preset", preset, "--duration", duration,
                     "--web-port", str(web_port), "--metrics-port", str(metrics_port)]
        self.proc = None
        self.log = None

    def start(self):
        self.log = open(self.log_path, "w")
        # The launcher execs java, so this PID is the JVM's. Skipping the build check keeps Maven
        # out of the timed run; main() builds first when needed.
        env = dict(os.environ, TXINSIGHT_SKIP_BUILD="1")
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     preexec_fn=e2e._die_with_parent)
        return f"PID {self.proc.pid}: {' '.join(self.argv[1:])}"

    def check_alive(self):
        if self.proc and self.proc.poll() is not None:
            raise RuntimeError(f"the demo exited early with status {self.proc.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines=25):
        try:
            with open(self.log_path) as f:
                return "".join([line for line in f if " WARN " not in line][-lines:])
        except OSError:
            return ""

    def stop(self, timeout=90):
        """SIGTERM to the group (the demo's shutdown hook stops the workload, job and Kafka)."""
        if not self.proc:
            return None
        if self.proc.poll() is None:
            # Still our unreaped child, so its PID (= its process group's id) cannot have been reused.
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                self.log.close()
                return f"did not stop within {timeout} s of SIGTERM; killed"
        self.log.close()
        return None


def rewrite_alert(prom_config, alertname, rewrite):
    """In the rendered copy of alerts.yml: the alert's block replaced by rewrite(block)."""
    path = os.path.join(os.path.dirname(prom_config), "rules", "alerts.yml")
    with open(path) as f:
        text = f.read()
    block = re.search(r"(?ms)^\s+- alert: " + alertname + r"\n.*?(?=^\s+- alert:)", text)
    if not block:
        raise AssertionError(f"{path}: {alertname} not found")
    with open(path, "w") as f:
        f.write(text[:block.start()] + rewrite(path, block.group(0)) + text[block.end():])


def lower_outlier_alert(prom_config):
    """In the rendered copy of alerts.yml: the outlier alert at 1% and "for: 2s"."""
    def lowered(path, block):
        if "txinsights:outlier_ratio:rate5m > 0.05" not in block:
            raise AssertionError(f"{path}: {OUTLIER_ALERT} on txinsights:outlier_ratio:rate5m > 0.05 not found")
        block = block.replace("txinsights:outlier_ratio:rate5m > 0.05",
                              "txinsights:outlier_ratio:rate5m > " + OUTLIER_TEST_THRESHOLD)
        return re.sub(r"(?m)^(\s+)for: \S+$", r"\1for: 2s", block, count=1)
    rewrite_alert(prom_config, OUTLIER_ALERT, lowered)


def long_open_fires_at_once(prom_config):
    """In the rendered copy of alerts.yml: the long-open alert with "for: 0s", its expression as shipped.

    The demo's long-open transaction is long open for seconds, not the rule's 5 minutes; the check
    proves that the collector's gauge flows through the rule to Alertmanager, not the duration."""
    def at_once(path, block):
        if "sum by (job_name, topic) (txinsights_kafka_long_open_transactions) > 0" not in block:
            raise AssertionError(f"{path}: {LONG_OPEN_ALERT} on txinsights_kafka_long_open_transactions not found")
        return re.sub(r"(?m)^(\s+)for: \S+$", r"\1for: 0s", block, count=1)
    rewrite_alert(prom_config, LONG_OPEN_ALERT, at_once)


class Run(e2e.Run):
    """e2e.py's PASS/FAIL counting, with when each check passed: the real job's pace varies with load."""

    def __init__(self, started):
        super().__init__()
        self.started = started

    def check(self, title, fn, *args):
        def timed():
            detail = fn(*args)
            at = f"at {time.monotonic() - self.started:.0f} s"
            return f"{detail} ({at})" if isinstance(detail, str) and detail else at
        return super().check(title, timed)


class Watched:
    """Everything whose death must end a wait at once: the demo and both servers."""

    def __init__(self, demo, servers):
        self.demo, self.servers = demo, servers

    def check_alive(self):
        self.demo.check_alive()
        self.servers.check_alive()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="End-to-end check of monitoring/ against the real job: ./txinsight demo scraped by a real "
                    "Prometheus with our configuration, alerts through a real Alertmanager.",
        epilog="Example: TXINSIGHT_SKIP_BUILD=1 %(prog)s --keep")
    parser.add_argument("--preset", default="mixed",
                        help="demo workload (default %(default)s: the one where stuck, aborted, malformed and outlier "
                             "transactions all occur, so every Overview panel has data; with 'stuck' the stuck alert "
                             "checks still hold but the abort-rate panel stays empty and fails)")
    parser.add_argument("--duration", default="170s",
                        help="the demo's --duration, a safety net: the check stops it as soon as it is done "
                             "(default %(default)s)")
    parser.add_argument("--strict", action="store_true",
                        help="every query of every Overview panel must return data, not just one per panel")
    parser.add_argument("--timeout", type=float, default=90,
                        help="seconds to wait for each condition (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (configs, logs, TSDB)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()

    bins = e2e.binaries()
    if not bins:
        print("real job e2e: 0 passed, 1 failed")
        return 1
    if os.environ.get("TXINSIGHT_SKIP_BUILD") != "1":
        # First use or changed sources: let the launcher build now, outside the timed run.
        build = subprocess.run([LAUNCHER, "demo", "--help"], cwd=ROOT, capture_output=True, text=True)
        if build.returncode != 0:
            print(f"FAIL ./txinsight demo --help (builds the launcher) exited {build.returncode}:\n"
                  f"{build.stdout[-2000:]}{build.stderr[-2000:]}")
            print("real job e2e: 0 passed, 1 failed")
            return 1

    run = Run(started)
    workdir = tempfile.mkdtemp(prefix="txinsight-monitoring-real-e2e-")
    sink = e2e.WebhookSink()
    threading.Thread(target=sink.server.serve_forever, daemon=True).start()
    servers = e2e.Servers(workdir)
    web_port, metrics_port, prom_port, am_port = (e2e.free_port() for _ in range(4))
    demo = Demo(workdir, args.preset, args.duration, web_port, metrics_port)
    watched = Watched(demo, servers)
    prom_url, am_url = f"http://127.0.0.1:{prom_port}", f"http://127.0.0.1:{am_port}"
    prom = check_queries.Prometheus(prom_url)
    try:
        if not run.check("the demo starts (the real job on embedded Kafka)", demo.start):
            raise RuntimeError("the demo did not start")
        prom_config, am_config = e2e.render(workdir, {f"127.0.0.1:{metrics_port}": "demo"}, am_port, sink.port)
        lower_outlier_alert(prom_config)
        long_open_fires_at_once(prom_config)
        run.check("test configuration rendered from ours is valid (promtool, amtool)",
                  e2e.rendered_configs_valid, prom_config, am_config)
        if not run.check("Prometheus and Alertmanager start", e2e.start_monitoring,
                         servers, bins, prom_config, am_config, prom_port, am_port, args.timeout):
            raise RuntimeError("servers did not start")

        def job_scraped():
            def up():
                targets = [t for t in prom.get("/api/v1/targets")["activeTargets"] if t["labels"].get("job") == "flink"]
                return targets if targets and all(t["health"] == "up" for t in targets) else None
            # The job needs ~10-30 s to start, its metrics a few more to be registered.
            e2e.wait_for("the demo's metrics endpoint to be up", up, args.timeout * 2, watched)
            names = e2e.wait_for("the job's txinsights_* series", lambda: [
                n for n in prom.get("/api/v1/label/__name__/values") if n.startswith("txinsights_")],
                args.timeout, watched)
            return f"{len(names)} txinsights_* names from 127.0.0.1:{metrics_port}"
        if not run.check("Prometheus scrapes the real job through our configuration", job_scraped):
            raise RuntimeError("no txinsights series from the real job")

        mode = "--strict, every query" if args.strict else "every panel"
        print(f"---- check_queries.py ({mode} of the Overview must return data)", flush=True)
        report = check_queries.check(prom_url, strict=args.strict, wait=args.timeout)
        print(f"---- (at {time.monotonic() - started:.0f} s)", flush=True)
        run.passed += len(report.results) - report.failed
        run.failed += report.failed

        def stuck_fires():
            def firing():
                return [a for a in prom.get("/api/v1/alerts")["alerts"]
                        if a["labels"]["alertname"] == STUCK_ALERT and a["state"] == "firing"]
            a = e2e.wait_for(f"{STUCK_ALERT} to fire", firing, args.timeout, watched)[0]
            if a["labels"].get("severity") != "warning" or float(a["value"]) <= 0:
                raise AssertionError(f"unexpected alert {a}")
            return f"{a['labels'].get('job_name')}: value {float(a['value']):.0f}, {a['annotations']['description'][:50]}..."
        run.check(f"the job's stuck transactions fire {STUCK_ALERT} in Prometheus", stuck_fires)

        def reaches_alertmanager():
            url = f"{am_url}/api/v2/alerts?filter=" + urllib.parse.quote(f'alertname="{STUCK_ALERT}"')
            a = e2e.wait_for("the stuck alert in Alertmanager", lambda: e2e.http_json(url), args.timeout, watched)[0]
            if not a["annotations"].get("runbook_url", "").startswith("docs/runbooks.md#"):
                raise AssertionError(f"no runbook_url: {a['annotations']}")
            return f"state {a['status']['state']}, receivers {[r['name'] for r in a['receivers']]}"
        run.check(f"{STUCK_ALERT} reaches Alertmanager", reaches_alertmanager)

        def warning_webhook():
            found = e2e.wait_for("a /warning webhook notification", lambda: [
                p for route, p in sink.received if route == "/warning" and p.get("status") == "firing"
                and any(a["labels"]["alertname"] == STUCK_ALERT for a in p.get("alerts", []))], args.timeout, watched)
            return f"receiver {found[0]['receiver']}"
        run.check("Alertmanager notifies the team webhook", warning_webhook)

        def warnings_firing(alertname, value_ok):
            """Waits for the alert to fire for the demo's job; checks its labels, value and runbook."""
            def firing():
                return [a for a in prom.get("/api/v1/alerts")["alerts"]
                        if a["labels"]["alertname"] == alertname and a["state"] == "firing"]
            alerts = e2e.wait_for(f"{alertname} to fire", firing, args.timeout, watched)
            for a in alerts:
                if (a["labels"].get("severity") != "warning" or a["labels"].get("job_name") != DEMO_JOB
                        or not value_ok(a)
                        or a["annotations"].get("runbook_url") != "docs/runbooks.md#" + alertname.lower()):
                    raise AssertionError(f"unexpected alert {a}")
            return alerts

        def outliers_fire():
            alerts = warnings_firing(OUTLIER_ALERT,
                                     lambda a: a["labels"].get("txn_type") and 0 < float(a["value"]) <= 1)
            return ", ".join(f"{a['labels']['txn_type']} {float(a['value']):.1%}" for a in alerts)
        run.check(f"the job's outliers fire {OUTLIER_ALERT} in Prometheus (at {OUTLIER_TEST_THRESHOLD}, for 2s)",
                  outliers_fire)

        # The statistics of issue 17: amounts by type and currency, active accounts by window.
        def money_and_accounts():
            def present():
                amounts = prom.get("/api/v1/series", {"match[]": 'txinsights_amount_sum'})
                accounts = prom.get("/api/v1/query", {"query": "txinsights:active_accounts:max > 0"})["result"]
                windows = {r["metric"].get("window") for r in accounts}
                if amounts and all(a.get("currency") for a in amounts) and windows == {"1m", "5m", "15m"}:
                    return amounts, accounts
                return None
            amounts, accounts = e2e.wait_for("amounts by currency and active accounts in every window",
                                             present, args.timeout, watched)
            money = prom.get("/api/v1/query", {"query": "sum by (currency) (txinsights:amount:rate5m) > 0"})["result"]
            if not money:
                raise AssertionError("txinsights:amount:rate5m has no non-zero currency")
            shown = ", ".join(f'{r["metric"]["window"]}={float(r["value"][1]):.0f}'
                              for r in sorted(accounts, key=lambda r: r["metric"]["window"]))
            return (f"{len(amounts)} amount series ({', '.join(sorted({r['metric']['currency'] for r in money}))}); "
                    f"active accounts {shown}")
        run.check("the real job's amounts by currency and active accounts reach Prometheus", money_and_accounts)

        def velocity_fires():
            alerts = warnings_firing(VELOCITY_ALERT, lambda a: float(a["value"]) > 0)
            return ", ".join(f"{float(a['value']):.0f} burst(s)" for a in alerts)
        run.check(f"the job's velocity bursts fire {VELOCITY_ALERT} in Prometheus", velocity_fires)

        # The workload's 10 s Kafka transaction: long open for a few seconds, once, at a moment of
        # the workload's choosing. Both checks read what stays: the ALERTS series in Prometheus's
        # TSDB and the webhook's log, so they pass whenever they run after it.
        def long_open_fires():
            query = ('max by (alertname, job_name, topic, severity) (max_over_time(ALERTS{alertname="'
                     + LONG_OPEN_ALERT + '", alertstate="firing"}[15m]))')
            fired = e2e.wait_for(f"{LONG_OPEN_ALERT} to have fired (ALERTS)", lambda: [
                r for r in prom.get("/api/v1/query", {"query": query})["result"]
                if r["metric"].get("job_name") == DEMO_JOB], args.timeout, watched)
            m = fired[0]["metric"]
            if m.get("severity") != "warning" or m.get("topic") != DEMO_TOPIC:
                raise AssertionError(f"unexpected alert labels {m}")
            peak = prom.get("/api/v1/query", {"query": "max(max_over_time(txinsights_kafka_long_open_transactions{job_name=\""
                                              + DEMO_JOB + "\"}[15m]))"})["result"]
            return f"topic {m['topic']}, long-open gauge peaked at {float(peak[0]['value'][1]):.0f}" if peak else ""
        run.check(f"the demo's long-open Kafka transaction fires {LONG_OPEN_ALERT} in Prometheus "
                  f"(the demo's long-open age, for 0s)", long_open_fires)

        def long_open_notified():
            def notified():
                return [(p, a) for route, p in sink.received if route == "/warning"
                        for a in p.get("alerts", []) if a["labels"].get("alertname") == LONG_OPEN_ALERT
                        and a.get("status") == "firing"]
            payload, a = e2e.wait_for(f"{LONG_OPEN_ALERT} at the team webhook", notified, args.timeout, watched)[0]
            if (a["labels"].get("job_name") != DEMO_JOB or a["labels"].get("topic") != DEMO_TOPIC
                    or a["annotations"].get("runbook_url") != "docs/runbooks.md#" + LONG_OPEN_ALERT.lower()
                    or DEMO_TOPIC not in a["annotations"].get("description", "")):
                raise AssertionError(f"unexpected alert {a}")
            return f"receiver {payload['receiver']}: {a['annotations']['summary']}"
        run.check(f"{LONG_OPEN_ALERT} reaches Alertmanager, which notifies the team webhook", long_open_notified)

        # Last, when every kind of event (stuck ones too) has occurred and its series exist.
        def relabeled():
            documented = e2e.documented_series()
            problems = []
            raw = [n for n in prom.get("/api/v1/label/__name__/values") if "_txinsights_" in n]
            if raw:
                problems.append(f"not renamed: {raw[:5]}")
            series = prom.get("/api/v1/series", {"match[]": '{__name__=~"txinsights_.*"}'})
            for s in series:
                name, keys = s["__name__"], set(s) - {"__name__"}
                if name not in documented:
                    problems.append(f"{name} is not a documented series")
                elif not documented[name] <= keys:
                    problems.append(f"{name} lacks its labels {sorted(documented[name] - keys)}")
                if keys & e2e.DROPPED:
                    problems.append(f"{name} still has {sorted(keys & e2e.DROPPED)}")
                if not e2e.KEPT <= keys:
                    problems.append(f"{name} lacks {sorted(e2e.KEPT - keys)}")
                if s.get("le") == "_Inf":
                    problems.append(f"{name} has le=\"_Inf\" (should be +Inf)")
            if not any(s.get("job_name") == DEMO_JOB for s in series):
                problems.append(f"no series with job_name=\"{DEMO_JOB}\"")
            if problems:
                raise AssertionError("\n       - ".join(sorted(set(problems))[:15]))
            names = {s["__name__"] for s in series}
            unseen = sorted(set(documented) - names)
            return (f"{len(names)} of {len(documented)} documented names, {len(series)} series"
                    + (f" (not exported yet: {', '.join(unseen)})" if unseen else ""))
        run.check("the real job's series get the documented names and labels", relabeled)
    except Exception as e:
        run.failed += 1
        print(f"FAIL real job e2e aborted: {e}")
    finally:
        def demo_stops():
            if not demo.proc:
                raise AssertionError("the demo never started")
            asked = time.monotonic()
            problem = demo.stop()
            took = time.monotonic() - asked
            if problem:
                raise AssertionError(problem)
            with open(demo.log_path) as f:
                if "Stopped; nothing left running." not in f.read():
                    raise AssertionError("no 'Stopped; nothing left running.' in its output (see demo.log below)")
            # Ctrl-C should feel immediate. It took 32 s while Kafka's own shutdown hook stopped
            # the broker first and the workload's last transaction aborts waited out their timeout.
            if took > STOP_WITHIN_S:
                raise AssertionError(f"took {took:.0f} s to stop (expected within {STOP_WITHIN_S} s)")
            return f"exit status {demo.proc.returncode} after {took:.1f} s"
        run.check("the demo stops cleanly when asked (SIGTERM to its process group)", demo_stops)
        if run.failed:
            print(f"---- last lines of demo.log (warnings omitted)\n{demo.log_tail()}", end="")
            for name in servers.procs:
                tail = servers.log_tail(name)
                if tail.strip():
                    print(f"---- last lines of {name}.log\n{tail}", end="")
        servers.stop()
        sink.server.shutdown()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"real job e2e: {run.passed} passed, {run.failed} failed ({time.monotonic() - started:.0f} s)")
    return 0 if run.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

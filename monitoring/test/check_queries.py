#!/usr/bin/env python3
"""Runs every PromQL expression txinsight's monitoring ships against a live Prometheus.

Checks, through the Prometheus HTTP API:
  * every recording and alerting rule in monitoring/prometheus/rules is loaded and evaluates
    without error (rule health "ok");
  * the PromQL inside alert annotations (the {{ query }} templates) parses;
  * every template variable of every dashboard in monitoring/grafana/dashboards resolves, and
    every panel query parses and evaluates (Grafana's $variables substituted first);
  * every panel of the dashboards named with --require-data (default: the Overview) returns data.
Data checks are retried until --wait seconds have passed: rates and recording rules need a few
scrapes and evaluations before they have anything to show.

Point it at the Prometheus that scrapes the real job (started with
monitoring/prometheus/prometheus.yml) once the job has processed some events:
  python3 monitoring/test/check_queries.py --prometheus http://localhost:9090
Exit status 0 when every check passes, 1 otherwise. Python 3.11 standard library only.
"""

import argparse
import glob
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MONITORING = os.path.dirname(HERE)
RULE_NAME = re.compile(r"^\s*-\s*(alert|record):\s*['\"]?([A-Za-z_:][\w:]*)", re.M)
# {{ with printf `...%s...` $labels.x | query }} and {{ with query `...` }}
PRINTF_QUERY = re.compile(r"printf\s+`([^`]*)`\s+\$labels\.(\w+)\s*\|\s*query")
PLAIN_QUERY = re.compile(r"\bquery\s+`([^`]*)`")


class PrometheusError(Exception):
    pass


class Prometheus:
    def __init__(self, url, timeout=10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def get(self, path, params=None):
        query = urllib.parse.urlencode(params or {}, doseq=True)
        full = f"{self.url}{path}" + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(full, timeout=self.timeout) as response:
                body = json.load(response)
        except urllib.error.HTTPError as e:
            try:
                body = json.load(e)
            except ValueError:
                raise PrometheusError(f"HTTP {e.code} from {full}") from None
        except (urllib.error.URLError, OSError) as e:
            raise PrometheusError(f"cannot reach Prometheus at {self.url} ({e}); is it running?") from None
        if body.get("status") != "success":
            raise PrometheusError(f"{body.get('errorType', 'error')}: {body.get('error', body)}")
        return body["data"]

    def query(self, expr):
        """Instant query; returns the number of series (or 1 for a scalar/string)."""
        data = self.get("/api/v1/query", {"query": expr})
        if data["resultType"] in ("vector", "matrix"):
            return len(data["result"])
        return 1

    def label_values(self, selector, label):
        if selector:
            series = self.get("/api/v1/series", {"match[]": selector})
            return sorted({s[label] for s in series if s.get(label)})
        return sorted(self.get(f"/api/v1/label/{urllib.parse.quote(label)}/values"))


class Report:
    """Collects PASS/FAIL lines; printed once, after the attempt that counts."""

    def __init__(self, verbose):
        self.verbose = verbose
        self.results = []
        self.lines = []

    @property
    def permanent(self):
        return any("bad_data" in line for line in self.lines)

    def check(self, title, failures, passes=()):
        ok = not failures
        self.results.append(ok)
        self.lines.append(f"{'PASS' if ok else 'FAIL'} {title}")
        self.lines.extend(f"       - {line}" for line in failures)
        if self.verbose:
            self.lines.extend(f"       + {line}" for line in passes)
        return ok

    @property
    def failed(self):
        return self.results.count(False)

    def print(self):
        print("\n".join(self.lines), flush=True)


# ---------------------------------------------------------------------------------------- rules

def rule_names_in_files(rules_dir):
    names = {}
    for path in sorted(glob.glob(os.path.join(rules_dir, "*.yml"))):
        with open(path) as f:
            for kind, name in RULE_NAME.findall(f.read()):
                names.setdefault(name, (kind, os.path.basename(path)))
    return names


def loaded_rules(prom):
    rules = []
    for group in prom.get("/api/v1/rules")["groups"]:
        for rule in group["rules"]:
            rule = dict(rule)
            rule["file"] = os.path.basename(group["file"])
            rule["group"] = group["name"]
            rules.append(rule)
    return rules


def annotation_queries(rules, prom):
    """The PromQL inside alert annotations, with %s filled by a real value of its label."""
    out = []
    for rule in rules:
        if rule["type"] != "alerting":
            continue
        for key, template in rule.get("annotations", {}).items():
            for expr, label in PRINTF_QUERY.findall(template):
                values = safe_label_values(prom, "", label)
                out.append((f"{rule['name']} {key}", expr.replace("%s", values[0] if values else "example")))
            for expr in PLAIN_QUERY.findall(template):
                out.append((f"{rule['name']} {key}", expr))
    return out


def safe_label_values(prom, selector, label):
    try:
        return prom.label_values(selector, label)
    except PrometheusError:
        return []


# ----------------------------------------------------------------------------------- dashboards

BUILTINS = {
    "__interval": "15s", "__interval_ms": "15000", "__range": "1h", "__range_s": "3600",
    "__range_ms": "3600000", "__rate_interval": "1m",
}


def substitute(text, variables):
    """Grafana-style $var, ${var}, ${var:format} and [[var]] substitution."""
    def value(name):
        if name in variables:
            return variables[name]
        return None

    def repl(match):
        name = match.group(1) or match.group(2) or match.group(3)
        v = value(name)
        return match.group(0) if v is None else v

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", repl, text)


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        for inner in panel.get("panels", []):  # collapsed rows
            yield inner


def resolve_variables(dashboard, prom, rate_interval):
    """Returns (values, failures, passes) for the dashboard's template variables."""
    values = dict(BUILTINS, __rate_interval=rate_interval)
    failures, passes = [], []
    for var in dashboard.get("templating", {}).get("list", []):
        name, kind = var["name"], var.get("type")
        if kind == "query":
            query = var.get("query")
            if isinstance(query, dict):
                query = query.get("query", "")
            query = substitute(query or "", values)
            m = re.fullmatch(r"\s*label_values\(\s*(?:(.*?)\s*,\s*)?(\w+)\s*\)\s*", query)
            if not m:
                failures.append(f"variable ${name}: cannot evaluate {query!r} (only label_values(...) is supported)")
                values[name] = ""
                continue
            try:
                found = prom.label_values(m.group(1) or "", m.group(2))
            except PrometheusError as e:
                failures.append(f"variable ${name}: {query}: {e}")
                found = []
            if not found:
                failures.append(f"variable ${name}: {query} returned no values")
            else:
                passes.append(f"variable ${name}: {query} -> {', '.join(found[:5])}")
            if var.get("includeAll"):
                values[name] = var.get("allValue") or "(" + "|".join(map(re.escape, found)) + ")"
            else:
                values[name] = found[0] if found else ""
        elif kind in ("custom", "interval"):
            options = var.get("options") or []
            values[name] = options[0]["value"] if options else (var.get("query", "").split(",")[0])
        elif kind in ("constant", "textbox"):
            values[name] = var.get("query", "")
        # datasource/adhoc variables do not appear inside expressions
    return values, failures, passes


def dashboard_queries(path, dashboard, variables):
    """(title, expr, panel title) for every panel target and variable query."""
    name = os.path.basename(path)
    for panel in panels_of(dashboard):
        for target in panel.get("targets", []):
            if "expr" in target:
                yield (f"{name} \"{panel.get('title', '?')}\" {target.get('refId', '?')}",
                       substitute(target["expr"], variables), (panel.get("id"), panel.get("title", "?")))


# ------------------------------------------------------------------------------------ the checks

def run_checks(prom, monitoring_dir, require_data, strict, rate_interval, report):
    """One pass over every check. Returns True when all passed."""
    rules_dir = os.path.join(monitoring_dir, "prometheus", "rules")
    dashboards_dir = os.path.join(monitoring_dir, "grafana", "dashboards")
    before = report.failed

    # 1. Our rules are what this Prometheus runs.
    in_files = rule_names_in_files(rules_dir)
    rules = loaded_rules(prom)
    loaded = {r["name"] for r in rules}
    missing = [f"{kind} {name} ({file}) is not loaded: start Prometheus with "
               f"monitoring/prometheus/prometheus.yml, or reload it after editing the rules"
               for name, (kind, file) in sorted(in_files.items()) if name not in loaded]
    report.check(f"rules loaded: {len(in_files)} rule names in {rules_dir} found in Prometheus", missing)

    # 2. Every rule expression evaluates (Prometheus reports the last evaluation's error).
    failures, passes = [], []
    for r in rules:
        if r["name"] not in in_files:
            continue
        where = f"{r['type']} {r['name']} ({r['file']})"
        if r.get("health") != "ok":
            failures.append(f"{where}: health {r.get('health')!r} {r.get('lastError', '')}".rstrip())
            continue
        try:
            n = prom.query(r["query"])
            passes.append(f"{where}: {n} series")
        except PrometheusError as e:
            failures.append(f"{where}: {e}\n           {r['query']}")
    report.check(f"rule expressions evaluate: {len(passes)}/{len(passes) + len(failures)}", failures, passes)

    # 3. Queries inside alert annotations parse.
    failures, passes = [], []
    queries = annotation_queries([r for r in rules if r["name"] in in_files], prom)
    for where, expr in queries:
        try:
            prom.query(expr)
            passes.append(f"{where}: {expr}")
        except PrometheusError as e:
            failures.append(f"{where}: {e}\n           {expr}")
    report.check(f"alert annotation queries parse: {len(passes)}/{len(queries)}", failures, passes)

    # 4. Dashboards: variables resolve, every query evaluates, required panels have data.
    paths = sorted(glob.glob(os.path.join(dashboards_dir, "*.json")))
    if not paths:
        report.check(f"dashboards found in {dashboards_dir}", ["no *.json files"])
    for path in paths:
        with open(path) as f:
            dashboard = json.load(f)
        label = f"dashboard {os.path.basename(path)} ({dashboard.get('uid')})"
        variables, failures, passes = resolve_variables(dashboard, prom, rate_interval)
        report.check(f"{label}: template variables resolve", failures, passes)

        failures, passes, with_data = [], [], {}
        queries = list(dashboard_queries(path, dashboard, variables))
        for where, expr, panel in queries:
            try:
                n = prom.query(expr)
            except PrometheusError as e:
                failures.append(f"{where}: {e}\n           {expr}")
                continue
            passes.append(f"{where}: {n} series")
            with_data.setdefault(panel, []).append((where, expr, n))
        report.check(f"{label}: panel queries evaluate: {len(passes)}/{len(queries)}", failures, passes)

        if dashboard.get("uid") in require_data:
            failures, passes = [], []
            # Panels of the PostgreSQL ledger have SQL, not PromQL: ledger's LedgerCliTest runs them.
            for panel in ((p.get("id"), p.get("title", "?")) for p in panels_of(dashboard)
                          if any("expr" in t for t in p.get("targets", []))):
                results = with_data.get(panel, [])
                empty = [(w, e) for w, e, n in results if n == 0]
                if not results or len(empty) == len(results) or (strict and empty):
                    failures.extend(f"{w}: no data\n           {e}" for w, e in empty or [(panel[1], "(query failed)")])
                else:
                    passes.append(f"\"{panel[1]}\": {sum(n for _, _, n in results)} series")
            report.check(f"{label}: every panel returns data{' (every query, --strict)' if strict else ''}",
                         failures, passes)
    return report.failed == before


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Evaluate every PromQL expression of txinsight's rules, alerts and dashboards "
                    "against a live Prometheus.",
        epilog="Example: %(prog)s --prometheus http://localhost:9090 --wait 120")
    parser.add_argument("--prometheus", required=True, metavar="URL",
                        help="base URL of a Prometheus running monitoring/prometheus/prometheus.yml")
    parser.add_argument("--monitoring-dir", default=DEFAULT_MONITORING, metavar="DIR",
                        help="the monitoring/ directory whose rules and dashboards to check (default %(default)s)")
    parser.add_argument("--require-data", action="append", metavar="UID",
                        help="dashboard uid whose every panel must return data; repeatable "
                             "(default: txinsight-overview)")
    parser.add_argument("--strict", action="store_true",
                        help="with --require-data, every query of a panel must return data, not just one")
    parser.add_argument("--wait", type=float, default=60, metavar="SECONDS",
                        help="keep retrying failed checks this long: rates and recording rules need a few "
                             "scrapes first (default %(default)s)")
    parser.add_argument("--rate-interval", default="1m",
                        help="what Grafana's $__rate_interval stands for (default %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every expression that passed")
    args = parser.parse_args(argv)
    report = check(args.prometheus, args.monitoring_dir, set(args.require_data or ["txinsight-overview"]),
                   args.strict, args.wait, args.rate_interval, args.verbose)
    return 0 if report.failed == 0 else 1


def check(prometheus_url, monitoring_dir=DEFAULT_MONITORING, require_data=("txinsight-overview",),
          strict=False, wait=60.0, rate_interval="1m", verbose=False):
    """Runs the checks until they all pass or `wait` seconds are over; prints and returns the report."""
    prom = Prometheus(prometheus_url)
    deadline = time.monotonic() + wait
    attempt = 0
    while True:
        attempt += 1
        report = Report(verbose)
        try:
            run_checks(prom, monitoring_dir, set(require_data), strict, rate_interval, report)
        except PrometheusError as e:
            report.check(f"Prometheus answers: {e}", [str(e)])
        # A parse error (bad_data) will not go away by waiting; missing data might.
        if report.failed == 0 or report.permanent or time.monotonic() >= deadline:
            break
        time.sleep(1)  # polling a live server for data to appear, bounded by wait
    report.print()
    passed = len(report.results) - report.failed
    print(f"check_queries: {passed} passed, {report.failed} failed"
          f" (after {attempt} attempt{'s' if attempt > 1 else ''})", flush=True)
    return report

if __name__ == "__main__":
    sys.exit(main())

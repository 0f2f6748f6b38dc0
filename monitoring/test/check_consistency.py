#!/usr/bin/env python3
"""Checks that the monitoring pieces agree with each other and with the docs, without servers.

  * every alert has a promtool unit test where it fires and one where it stays silent;
  * every alert's runbook_url points at a section of docs/runbooks.md, and every section there
    belongs to an alert;
  * docs/monitoring.md names every alert, recording rule and dashboard;
  * every dashboard is valid JSON with a unique uid and panel ids, and uses only the datasource
    uid that grafana/provisioning/datasources sets;
  * the dashboard provider reads the directory docs/monitoring.md tells users to mount;
  * every flink_* metric the rules and dashboards read exists in real Flink 2.2.1 reporter output
    (flink-2.2.1-reporter-sample.prom), and flink_exporter.py serves those families with the
    same label keys as the real reporter.
Prints one PASS/FAIL line per check. Python 3.11 standard library only.
Usage: python3 monitoring/test/check_consistency.py [--root REPO_ROOT]
"""

import argparse
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def read(path):
    with open(path) as f:
        return f.read()


def github_anchor(heading):
    """The fragment GitHub gives a Markdown heading."""
    slug = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return slug.replace(" ", "-")


def families(text):
    """Metric name -> the label keys of its series, from Prometheus text format."""
    out = {}
    for name, labels in re.findall(r"(?m)^([a-zA-Z_:][\w:]*)\{(.*)\}\s+\S+$", text):
        out.setdefault(name, set()).update(re.findall(r'(\w+)="', labels))
    return out


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, title, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {title}")
            for p in problems:
                print(f"       - {p}")
        else:
            self.passed += 1
            print(f"PASS {title}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=ROOT, help="repository root (default %(default)s)")
    args = parser.parse_args(argv)
    mon = os.path.join(args.root, "monitoring")
    checks = Checks()

    alerts_text = read(os.path.join(mon, "prometheus", "rules", "alerts.yml"))
    alerts = re.findall(r"(?m)^\s*- alert:\s*(\w+)", alerts_text)
    records = sorted({name for path in glob.glob(os.path.join(mon, "prometheus", "rules", "*.yml"))
                      for name in re.findall(r"(?m)^\s*- record:\s*([\w:]+)", read(path))})

    # Unit tests: a firing case (exp_alerts with entries) and a silent one (exp_alerts: []) each.
    fires, silent = set(), set()
    for path in glob.glob(os.path.join(mon, "prometheus", "tests", "*.yml")):
        for name, empty in re.findall(r"alertname:\s*(\w+)\s*\n\s*exp_alerts:\s*(\[\])?", read(path)):
            (silent if empty else fires).add(name)
    problems = [f"{a}: no promtool test where it fires" for a in alerts if a not in fires]
    problems += [f"{a}: no promtool test where it stays silent" for a in alerts if a not in silent]
    problems += [f"tests name {a}, which alerts.yml does not define" for a in sorted((fires | silent) - set(alerts))]
    checks.report(f"every alert ({len(alerts)}) has a firing and a silent promtool test", problems)

    # Runbooks.
    runbooks = read(os.path.join(args.root, "docs", "runbooks.md"))
    sections = {github_anchor(h): h.strip() for h in re.findall(r"(?m)^## (.+)$", runbooks)}
    blocks = {b.split("\n", 1)[0].strip(): b for b in re.split(r"(?m)^\s*- alert:\s*", alerts_text)[1:]}
    urls = {name: m.group(1) for name, block in blocks.items()
            if (m := re.search(r"runbook_url:\s*'([^']*)'", block))}
    problems = []
    for a in alerts:
        url = urls.get(a)
        if not url:
            problems.append(f"{a}: no runbook_url")
            continue
        path, _, anchor = url.partition("#")
        if path != "docs/runbooks.md" or anchor not in sections:
            problems.append(f"{a}: runbook_url {url} has no matching '## ' section in docs/runbooks.md")
        elif sections[anchor] != a:
            problems.append(f"{a}: runbook_url points at section {sections[anchor]!r}")
    problems += [f"docs/runbooks.md section {h!r} belongs to no alert" for h in sections.values()
                 if h not in alerts and h.lower() not in ("contents", "how to use these runbooks")]
    checks.report("every alert links to its own section of docs/runbooks.md and every section to an alert", problems)

    # Every alert annotation set is complete.
    problems = []
    for name, block in blocks.items():
        for key in ("severity:", "summary:", "description:", "runbook_url:"):
            if key not in block:
                problems.append(f"{name}: no {key[:-1]}")
        if "$value" not in block:
            problems.append(f"{name}: description does not show the live value ($value)")
        sev = re.search(r"severity:\s*(\w+)", block)
        if sev and sev.group(1) not in ("critical", "warning"):
            problems.append(f"{name}: severity {sev.group(1)} is routed nowhere in alertmanager.yml")
    checks.report("every alert has severity, summary, description with $value and runbook_url", problems)

    # docs/monitoring.md names what is shipped.
    monitoring_md = read(os.path.join(args.root, "docs", "monitoring.md"))
    dashboards = {}
    for path in sorted(glob.glob(os.path.join(mon, "grafana", "dashboards", "*.json"))):
        try:
            dashboards[path] = json.loads(read(path))
        except ValueError as e:
            dashboards[path] = None
            checks.report(f"{os.path.basename(path)} is valid JSON", [str(e)])
    missing = [n for n in alerts + records if n not in monitoring_md]
    missing += [d["title"] for d in dashboards.values() if d and d["title"] not in monitoring_md]
    missing += [os.path.basename(p) for p in dashboards if os.path.basename(p) not in monitoring_md]
    checks.report(f"docs/monitoring.md names every alert, recording rule ({len(records)}) and dashboard",
                  [f"not mentioned: {n}" for n in missing])

    # Dashboards against the provisioning.
    ds_uids = set()
    for ds_path in glob.glob(os.path.join(mon, "grafana", "provisioning", "datasources", "*.yml")):
        ds_uids |= set(re.findall(r"(?m)^\s*uid:\s*(\S+)", read(ds_path)))
    problems, uids = [], {}
    for path, d in dashboards.items():
        if not d:
            continue
        name = os.path.basename(path)
        if d.get("uid") in uids:
            problems.append(f"{name}: uid {d.get('uid')} also used by {uids[d['uid']]}")
        uids[d.get("uid")] = name
        ids = []
        for p in d.get("panels", []):
            ids.append(p.get("id"))
            for ds in [p.get("datasource")] + [t.get("datasource") for t in p.get("targets", [])]:
                if isinstance(ds, dict) and ds.get("type") in ("prometheus", "grafana-postgresql-datasource") \
                        and ds.get("uid") not in ds_uids:
                    problems.append(f"{name} panel {p.get('title')!r}: datasource uid {ds.get('uid')} is not "
                                    f"provisioned (provisioned: {sorted(ds_uids)})")
            if not p.get("targets"):
                problems.append(f"{name} panel {p.get('title')!r} has no query")
        for v in d.get("templating", {}).get("list", []):
            ds = v.get("datasource")
            if isinstance(ds, dict) and ds.get("uid") not in ds_uids:
                problems.append(f"{name} variable {v.get('name')}: datasource uid {ds.get('uid')} is not provisioned")
        if len(ids) != len(set(ids)):
            problems.append(f"{name}: duplicate panel ids")
    checks.report(f"dashboards ({len(dashboards)}) have unique uids and panel ids and use the provisioned datasource",
                  problems)

    provider = read(os.path.join(mon, "grafana", "provisioning", "dashboards", "txinsight.yml"))
    path = re.search(r"(?m)^\s*path:\s*(\S+)", provider)
    problems = []
    if not path:
        problems.append("grafana/provisioning/dashboards/txinsight.yml has no options.path")
    elif path.group(1) not in monitoring_md:
        problems.append(f"docs/monitoring.md does not tell users to mount the dashboards at {path.group(1)}")
    checks.report("the dashboard provider path is the one docs/monitoring.md documents", problems)

    # Real Flink output against what the rules, dashboards and the synthetic exporter assume.
    sample = families(read(os.path.join(HERE, "flink-2.2.1-reporter-sample.prom")))
    used = set()
    for path in glob.glob(os.path.join(mon, "prometheus", "rules", "*.yml")):
        used |= set(re.findall(r"\bflink_[A-Za-z_]+", read(path)))
    for d in dashboards.values():
        for p in (d or {}).get("panels", []):
            for t in p.get("targets", []):
                used |= set(re.findall(r"\bflink_[A-Za-z_]+", t.get("expr", "")))
        for v in (d or {}).get("templating", {}).get("list", []):
            used |= set(re.findall(r"\bflink_[A-Za-z_]+", json.dumps(v.get("query", ""))))
    checks.report(f"the {len(used)} Flink metrics the rules and dashboards read exist in real Flink 2.2.1 output",
                  [f"{n} is not in flink-2.2.1-reporter-sample.prom" for n in sorted(used - set(sample))])

    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, HERE)
    import flink_exporter
    synthetic = families(flink_exporter.FlinkJob().scrape())
    problems = []
    for name, keys in sorted(sample.items()):
        if name not in synthetic:
            problems.append(f"{name}: served by Flink, not by flink_exporter.py")
        elif synthetic[name] != keys:
            problems.append(f"{name}: labels {sorted(synthetic[name])} differ from Flink's {sorted(keys)}")
    checks.report(f"flink_exporter.py serves the {len(sample)} sampled Flink families with Flink's label keys",
                  problems)

    print(f"consistency: {checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

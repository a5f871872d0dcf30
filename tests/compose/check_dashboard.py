#!/usr/bin/env python3
"""Checks the Grafana dashboard deploy/grafana/dashboards/ledger.json.

1. The JSON is valid and well formed for Grafana: a uid and title, unique panel ids, a
   gridPos and at least one target per panel, every data source one that
   deploy/grafana/provisioning/datasources/ledger.yml provisions.
2. Every SQL query (each panel's rawSql and each template variable's query) runs against a
   migrated database: Grafana's macros ($__timeFilter, $__timeGroupAlias, $__interval, ...)
   are replaced by plain SQL over a wide time range and $agent by the variable's own query,
   then psql runs it. A query on a table the migrations do not create yet is reported as
   PENDING (not a failure, unless --strict); any other SQL error fails.
3. With --prometheus URL, every PromQL expression is sent to URL/api/v1/query and must parse.

Usage:
  check_dashboard.py [--dashboard FILE] (--db URI | --psql "COMMAND" | --structure-only)
                     [--strict] [--min-rows] [--prometheus URL]
--psql takes a command that reads SQL on standard input (e.g. "docker exec -i C psql -U u -d d").
--min-rows additionally requires every verified panel to return at least one row.
Exit 0 when everything ran (PENDING panels listed), 1 on any failure.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DASHBOARD = os.path.join(ROOT, "deploy/grafana/dashboards/ledger.json")
DATASOURCES_FILE = os.path.join(ROOT, "deploy/grafana/provisioning/datasources/ledger.yml")

WIDE_FROM = "now() - interval '3650 days'"
WIDE_TO = "now() + interval '3650 days'"


def provisioned_uids():
    """The data source uids the provisioning file declares (a small YAML read by regex)."""
    with open(DATASOURCES_FILE, encoding="utf-8") as f:
        return set(re.findall(r"^\s+uid:\s*([\w-]+)\s*$", f.read(), re.M))


def substitute_macros(sql, variables):
    """Grafana's PostgreSQL macros and the dashboard's variables, as plain SQL."""
    def time_group(match, alias):
        col = match.group(1).strip()
        expr = f"to_timestamp(floor(extract(epoch FROM {col}) / 60) * 60)"
        return f'{expr} AS "time"' if alias else expr

    sql = re.sub(r"\$__timeGroupAlias\(([^,()]+),[^)]*\)", lambda m: time_group(m, True), sql)
    sql = re.sub(r"\$__timeGroup\(([^,()]+),[^)]*\)", lambda m: time_group(m, False), sql)
    sql = re.sub(r"\$__timeFilter\(([^()]+)\)",
                 lambda m: f"{m.group(1).strip()} BETWEEN {WIDE_FROM} AND {WIDE_TO}", sql)
    sql = re.sub(r"\$__timeFrom\(\)", WIDE_FROM, sql)
    sql = re.sub(r"\$__timeTo\(\)", WIDE_TO, sql)
    sql = sql.replace("$__interval_ms", "60000").replace("$__interval", "'1m'")
    for name, query in variables.items():
        subquery = f"SELECT __value FROM ({query}) AS {name}_values"
        sql = re.sub(r"\$\{" + name + r"(:[a-z]+)?\}|\$" + name + r"\b", subquery, sql)
    left = re.findall(r"\$[\w{]+", sql)
    if left:
        raise ValueError(f"unsubstituted Grafana macro or variable {left[0]}")
    return sql


def run_sql(sql, args):
    """Runs one query; returns (ok, rows or error text)."""
    if args.db:
        command = ["psql", args.db]
    else:
        command = shlex.split(args.psql)
    command += ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
    proc = subprocess.run(command, input=f"{sql.rstrip().rstrip(';')};\n", text=True,
                          capture_output=True, timeout=60)
    if proc.returncode != 0:
        return False, proc.stderr.strip() or f"psql exit code {proc.returncode}"
    return True, [line for line in proc.stdout.splitlines() if line]


def check_structure(dashboard, problems):
    for key in ("uid", "title", "panels", "schemaVersion"):
        if key not in dashboard:
            problems.append(f"dashboard has no '{key}'")
    uids = provisioned_uids()
    ids = [p.get("id") for p in dashboard.get("panels", [])]
    if len(ids) != len(set(ids)):
        problems.append(f"panel ids are not unique: {ids}")
    for panel in dashboard.get("panels", []):
        name = f"panel {panel.get('id')} '{panel.get('title')}'"
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in "xywh"):
            problems.append(f"{name}: gridPos needs integer x, y, w, h")
        if not panel.get("targets"):
            problems.append(f"{name}: no targets")
        for target in panel.get("targets", []):
            uid = (target.get("datasource") or panel.get("datasource") or {}).get("uid")
            if uid not in uids:
                problems.append(f"{name}: data source uid {uid!r} is not provisioned ({sorted(uids)})")
            if "rawSql" not in target and "expr" not in target:
                problems.append(f"{name}: target {target.get('refId')} has neither rawSql nor expr")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboard", default=DEFAULT_DASHBOARD)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", help="libpq URI of a migrated database")
    source.add_argument("--psql", help="a psql command line reading SQL on standard input")
    source.add_argument("--structure-only", action="store_true", help="check the JSON only")
    parser.add_argument("--strict", action="store_true", help="a missing table fails too")
    parser.add_argument("--min-rows", action="store_true", help="every verified query returns rows")
    parser.add_argument("--prometheus", help="Prometheus base URL to check PromQL expressions")
    args = parser.parse_args()

    problems, pending, empty = [], [], []
    try:
        with open(args.dashboard, encoding="utf-8") as f:
            dashboard = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        print(f"dashboard check: {args.dashboard}: {e}")
        return 1
    check_structure(dashboard, problems)
    if args.structure_only:
        for p in problems:
            print(f"dashboard check: {p}")
        print(f"dashboard check: {len(dashboard.get('panels', []))} panels, "
              f"{len(problems)} problems")
        return 1 if problems else 0

    variables = {v["name"]: v["query"] for v in dashboard.get("templating", {}).get("list", [])
                 if v.get("type") == "query"}
    queries = [(f"variable ${name}", query) for name, query in variables.items()]
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            if "rawSql" in target:
                queries.append((f"panel {panel['id']} '{panel['title']}' {target['refId']}",
                                target["rawSql"]))
    for name, sql in queries:
        try:
            plain = substitute_macros(sql, variables)
        except ValueError as e:
            problems.append(f"{name}: {e}")
            continue
        ok, result = run_sql(plain, args)
        if not ok:
            missing = re.search(r'relation "([^"]+)" does not exist', result)
            if missing and not args.strict:
                pending.append(f"{name}: table {missing.group(1)} does not exist yet")
                print(f"PENDING {name}: table {missing.group(1)} does not exist yet")
            else:
                problems.append(f"{name}: {result}")
                print(f"FAIL    {name}: {result}")
            continue
        print(f"ok      {name}: {len(result)} rows")
        if not result:
            empty.append(name)
            if args.min_rows:
                problems.append(f"{name}: returned no rows on the demo data")

    if args.prometheus:
        for panel in dashboard.get("panels", []):
            for target in panel.get("targets", []):
                if "expr" not in target:
                    continue
                name = f"panel {panel['id']} '{panel['title']}' {target['refId']}"
                url = (args.prometheus.rstrip("/") + "/api/v1/query?" +
                       urllib.parse.urlencode({"query": target["expr"]}))
                try:
                    with urllib.request.urlopen(url, timeout=10) as response:
                        answer = json.load(response)
                except Exception as e:  # HTTP 400 carries PromQL parse errors
                    problems.append(f"{name}: Prometheus rejected {target['expr']!r}: {e}")
                    print(f"FAIL    {name}: {e}")
                    continue
                series = len(answer.get("data", {}).get("result", []))
                print(f"ok      {name}: PromQL parses, {series} series")
                if series == 0:
                    pending.append(f"{name}: no series for {target['expr']!r} (metric not exported yet?)")

    for p in problems:
        print(f"dashboard check: {p}")
    if pending:
        print("dashboard check: PENDING (could not be verified yet):")
        for p in pending:
            print(f"  - {p}")
    if empty:
        print("dashboard check: ran but returned no rows (columns checked, data not yet):")
        for name in empty:
            print(f"  - {name}")
    print(f"dashboard check: {len(queries)} SQL queries, {len(problems)} problems, "
          f"{len(pending)} pending")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

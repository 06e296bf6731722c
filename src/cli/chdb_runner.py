"""Runs SQL on ClickHouse in-process (pip `chdb`) for segc.

Used by `segc run --engine clickhouse` and by the engine tests. Reads one
request per line on stdin, a JSON object:

    {"setup": [statement, ...], "queries": [query, ...], "readonly": bool}

and answers each with one JSON line: {"results": [{"columns": [name, ...],
"rows": [[cell, ...], ...]}, ...]} (one result per query; a cell is text,
`true`/`false` for a boolean and "" for NULL) or {"error": "..."}.
Statements arrive one by one, so no SQL is ever split on `;`. Each request
runs in a database of its own (the current one, for unqualified names), and
every database it made is dropped afterwards: one in-memory session serves
all requests, as opening one costs 0.1 to 0.25 s. With "readonly", the
queries run under `readonly = 1` once the setup has loaded the data: no
writes, no DDL, no table functions (`file`, `url`, `executable`), and no
setting changed (a query may only restate a setting the setup made).
"""

import json
import sys


def cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def run(session, request):
    for statement in request.get("setup", []):
        session.query(statement)
    if request.get("readonly"):
        session.query("SET readonly = 1")
    results = []
    for query in request["queries"]:
        text = session.query(query, "JSONCompactEachRowWithNames").bytes().decode("utf-8")
        lines = [json.loads(line) for line in text.splitlines() if line]
        columns = lines[0] if lines else []
        rows = [[cell(v) for v in line] for line in lines[1:]]
        results.append({"columns": columns, "rows": rows})
    return results


def main():
    try:
        from chdb import session as chdb_session
    except ImportError as e:
        print(json.dumps({"error": f"cannot import chdb ({e}): pip install chdb"}), flush=True)
        return
    session = None
    for number, line in enumerate(sys.stdin):
        if not line.strip():
            continue
        request = json.loads(line)
        session = session or chdb_session.Session()
        before = databases(session)
        own = f"segc_request_{number}"
        try:
            session.query(f"CREATE DATABASE {own}")
            session.query(f"USE {own}")
            answer = {"results": run(session, request)}
        except Exception as e:  # the engine's error goes back to segc
            answer = {"error": str(e)}
        if request.get("readonly"):
            # A read-only session can drop nothing: the next request gets a new one.
            session.close()
            session = None
        else:
            for name in databases(session) - before:
                session.query(f"DROP DATABASE `{name}`")
        print(json.dumps(answer), flush=True)


def databases(session):
    text = session.query("SHOW DATABASES", "JSONCompactEachRow").bytes().decode("utf-8")
    return {json.loads(line)[0] for line in text.splitlines() if line}


if __name__ == "__main__":
    main()

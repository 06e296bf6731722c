"""One Spark session (pyspark, local mode) shared by every engine test.

Starting Spark takes ~10 s and its first query ~4 s, so the tests do not
start it each: `tests/run` starts this server once and stops it at exit, and
the test harness (`tests/engines/spark.rs`) sends it requests. It listens on
127.0.0.1:$SEGC_SPARK_PORT (default 5434) and serves each connection in its
own thread; every request gets a fresh Spark session (`newSession`: its own
SQL configuration and current database, one SparkContext), so concurrent
tests never see each other's settings or tables.

A request is one line of JSON:

    {"database": "t1_2", "conf": {"spark.sql.ansi.enabled": "true"},
     "setup": ["CREATE VIEW …", …], "queries": ["WITH …", …]}

The server creates the database and makes it current, applies the
configuration, runs each setup statement, then the queries (a few at once),
and drops the
database (and what it holds) whatever happened. Statements are sent one by
one, never split here. The answer is one line of JSON: {"rows": [[row, …],
…]} with one list per query, each row its cells joined by `|` (NULL as the
empty string, booleans as true/false), or {"error": "…"} naming the
statement that failed.
"""

import json
import os
import signal
import socketserver
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

from pyspark.sql import SparkSession  # noqa: E402  (after the environment)


# Queries of one request run at once (see `serve`).
QUERY_THREADS = 4


def start_spark():
    warehouse = os.environ.get("SEGC_SPARK_WAREHOUSE", "/tmp/segc-spark-warehouse")
    return (
        SparkSession.builder.master("local[2]")
        .appName("segc-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", warehouse)
        # Test tables are a few rows: one partition per shuffle, not 200.
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows(session, statement):
    """The statement's rows as text; an error names the statement."""
    try:
        return ["|".join(cell(v) for v in row) for row in session.sql(statement).collect()]
    except Exception as e:
        raise RuntimeError(f"{e}\n-- in the statement:\n{statement}") from e


def quoted(name):
    return "`" + name.replace("`", "``") + "`"


def serve(spark, request):
    session = spark.newSession()
    for key, value in request.get("conf", {}).items():
        session.conf.set(key, value)
    database = quoted(request["database"])
    start = time.monotonic()
    try:
        setup = [f"CREATE DATABASE {database}", f"USE {database}", *request.get("setup", [])]
        for statement in setup:
            rows(session, statement)
        # The queries at once: planning a query, not running it over a few
        # rows, is most of its cost, and the driver plans them in parallel.
        with ThreadPoolExecutor(QUERY_THREADS) as pool:
            results = list(pool.map(lambda q: rows(session, q), request.get("queries", [])))
        return {"rows": results}
    except Exception as e:  # the test reports it, with the statement
        return {"error": str(e)}
    finally:
        session.sql(f"DROP DATABASE IF EXISTS {database} CASCADE")
        # What each request cost, for tuning the tests' use of Spark.
        seconds = time.monotonic() - start
        queries = len(request.get("queries", []))
        print(f"{database}: {queries} queries, {seconds:.2f} s", file=sys.stderr, flush=True)


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            try:
                answer = serve(self.server.spark, json.loads(line))
            except Exception:
                answer = {"error": traceback.format_exc()}
            self.wfile.write(json.dumps(answer).encode() + b"\n")
            self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    port = int(os.environ.get("SEGC_SPARK_PORT", "5434"))
    spark = start_spark()
    spark.sql("SELECT 1").collect()  # warm up: the first query is the slowest
    # `tests/run` stops the server with SIGTERM: stop Spark's JVM with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with Server(("127.0.0.1", port), Handler) as server:
            server.spark = spark
            print(f"segc spark server on 127.0.0.1:{port}", flush=True)
            server.serve_forever()
    finally:
        spark.stop()


if __name__ == "__main__":
    main()

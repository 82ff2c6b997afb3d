"""Profile one key page in-process on the benchmark database (pyinstrument), with its query count.

    .venv/bin/python bench/profile_page.py /studios/451/ --as staff [--repeat 20] [--tree]

Uses the same environment as ``make bench`` (bench/run.py: production settings, PostgreSQL,
Redis) and a session made by ``manage.py bench_sessions``. Prints the mean time per request
(CPU time of this process and wall time), the number of queries and the slowest queries, and with
``--tree`` pyinstrument's call tree of the repeated requests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

import run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--as", dest="role", choices=["unit", "staff", "expert", "anonymous"], default="staff")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--tree", action="store_true")
    parser.add_argument("--method", default="GET")
    args = parser.parse_args()
    os.environ.update(run.env_for(run.DB_NAME))
    os.environ["DJANGO_SETTINGS_MODULE"] = "masterstudio.settings"
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    info = json.loads(run.manage("bench_sessions", capture=True).strip().splitlines()[-1])
    client = Client(HTTP_HOST="127.0.0.1")
    if args.role != "anonymous":
        client.cookies["sessionid"] = info["sessions"][args.role]
    response = client.generic(args.method, args.path)
    print(f"{args.path}: HTTP {response.status_code}, {len(response.content):,} bytes")
    reset_queries()  # request_started empties the log too: start the capture from an empty one
    with CaptureQueriesContext(connection) as queries:
        client.generic(args.method, args.path)
    slow = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:8]
    print(
        f"{len(queries.captured_queries)} queries, "
        f"{sum(float(q['time']) for q in queries.captured_queries) * 1000:.1f} ms in the database"
    )
    for q in slow:
        print(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:220]}")
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    cpu, wall = time.process_time(), time.perf_counter()
    profiler.start()
    for _ in range(args.repeat):
        client.generic(args.method, args.path)
    profiler.stop()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"per request: {cpu / args.repeat * 1000:.1f} ms CPU, {wall / args.repeat * 1000:.1f} ms wall")
    reset_queries()
    if args.tree:
        print(profiler.output_text(unicode=True, color=False, show_all=os.environ.get("PROFILE_ALL") == "1"))


if __name__ == "__main__":
    main()

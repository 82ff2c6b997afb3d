"""Each key page rendered in-process on the benchmark database (no page is kept rendered: every
request renders): queries, and CPU and wall time per request averaged over 20 requests after 2
warm-up requests. Prints one JSON line."""

from __future__ import annotations

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
    os.environ["DJANGO_SETTINGS_MODULE"] = "masterstudio.settings"
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    info = json.loads(run.manage("bench_sessions", capture=True).strip().splitlines()[-1])
    rows = []
    for target, _ in run.key_targets(info):
        if target.method != "GET":
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        cookie = target.headers.get("Cookie")
        if cookie:
            client.cookies["sessionid"] = cookie.split("=", 1)[1]
        for _ in range(2):
            client.get(target.path)
        reset_queries()  # request_started empties the log too: start the capture from an empty one
        with CaptureQueriesContext(connection) as queries:
            client.get(target.path)
        count = len(queries.captured_queries)  # read now: the next request empties the log
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(20):
            client.get(target.path)
        rows.append(
            {
                "name": target.name,
                "queries": count,
                "cpu_ms": round((time.process_time() - cpu) / 20 * 1000, 1),
                "wall_ms": round((time.perf_counter() - wall) / 20 * 1000, 1),
            }
        )
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""CPU per request of the hot employee endpoints, in process: no sockets, no wrk, no other load counted.

Seeds a fresh SQLite database (or `--pg URL`) like the wrk harness, builds the app, and drives it with raw
ASGI calls, `--concurrency` at a time on one event loop, measuring the process's CPU time per request.
A profiling aid for the speed work (BENCHMARKS.md), not a verdict: the wrk runs are.

    .venv/bin/python bench/inproc.py                       # every endpoint, 2,000 requests each
    .venv/bin/python bench/inproc.py --only autosave --profile   # and a cProfile of it, top 40 by own time
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import seed

Request = tuple[str, str, dict[str, str], bytes]


async def call(app: Any, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    """One request through the whole ASGI stack; its status."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000), "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def drive(app: Any, requests: list[Request], concurrency: int) -> tuple[float, float, dict[int, int]]:
    """Run the requests `concurrency` at a time; (CPU s, wall s, statuses)."""
    statuses: dict[int, int] = {}
    queue = list(reversed(requests))

    async def worker() -> None:
        while queue:
            method, path, headers, body = queue.pop()
            status = await call(app, method, path, headers, body)
            statuses[status] = statuses.get(status, 0) + 1

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - cpu, time.perf_counter() - wall, statuses


def cookie_headers(entry: dict[str, Any]) -> dict[str, str]:
    return {"cookie": f"ceyice_session={entry['cookie']}", "host": "127.0.0.1:8000"}


def build_requests(db: seed.BenchDb, count: int) -> dict[str, Callable[[], list[Request]]]:
    autosave_pool = seed.open_attempts(db, slug=db.pool_slug, first=0, count=500, answered=False, seed=1)
    submit_pool = seed.open_attempts(db, slug=db.pool_slug, first=500, count=count, answered=True, seed=2)

    def question() -> list[Request]:
        return [("GET", f"/a/{e['token']}/q/{i % 20 + 1}", cookie_headers(e), b"")
                for i, e in ((i, autosave_pool[i % len(autosave_pool)]) for i in range(count))]

    def autosave() -> list[Request]:
        out = []
        for i in range(count):
            e = autosave_pool[i % len(autosave_pool)]
            position = (i // len(autosave_pool)) % 20
            kind = e["kinds"][position]
            response: object = 0 if kind == "single_choice" else [0, 1] if kind == "multiple_choice" else True
            headers = cookie_headers(e) | {"content-type": "application/json", "x-csrf-token": e["csrf"]}
            out.append(("POST", f"/api/attempts/{e['token']}/answers/{position}", headers,
                        json.dumps({"response": response}).encode()))
        return out

    def submit() -> list[Request]:
        return [("POST", f"/a/{e['token']}/submit",
                 cookie_headers(e) | {"content-type": "application/x-www-form-urlencoded"},
                 f"csrf_token={e['csrf']}".encode()) for e in submit_pool]

    def study() -> list[Request]:
        people = seed.person_ids(seed.create_engine(seed.sqlalchemy_url(db.url)), 0, 500)
        with seed.Session(seed.create_engine(seed.sqlalchemy_url(db.url))) as session:
            slug_is = seed.Campaign.slug == db.study_slug
            campaign_id = session.scalars(seed.select(seed.Campaign.id).where(slug_is)).one()
        out = []
        for i in range(count):
            person_id = people[i % len(people)][0]
            cookie = seed.forge_cookie(db.secret_key, campaign_id, person_id, secrets.token_urlsafe(32))
            out.append(("GET", f"/c/{db.study_slug}/study", {"cookie": f"ceyice_session={cookie}",
                                                             "host": "127.0.0.1:8000"}, b""))
        return out

    def healthz() -> list[Request]:
        return [("GET", "/healthz", {"host": "127.0.0.1:8000"}, b"")] * count

    return {"healthz": healthz, "question": question, "autosave": autosave, "submit": submit, "study": study}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated endpoint names")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pg", default="", help="an empty PostgreSQL database URL (its public schema is dropped)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ceyice-inproc-"))
    url = args.pg or f"sqlite:///{work / 'bench.db'}"
    seed.reset(url, work / "bench.db")
    secret = secrets.token_urlsafe(48)
    db = seed.build(url, secret, people=3000)

    from app.core.config import Settings
    from app.main import create_app

    app = create_app(Settings(env="production", database_url=url, secret_key=secret, data_dir=work))
    makers = build_requests(db, args.requests)
    only = [name for name in args.only.split(",") if name] or list(makers)
    for name in only:
        requests = makers[name]()
        asyncio.run(drive(app, requests[:50], args.concurrency))  # warm caches and pools
        requests = requests[50:]
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        cpu, wall, statuses = asyncio.run(drive(app, requests, args.concurrency))
        if profiler:
            profiler.disable()
        print(f"{name:10s} {len(requests):5d} req  CPU {cpu / len(requests) * 1000:6.2f} ms/req  "
              f"wall {len(requests) / wall:7.0f} req/s  statuses {statuses}", flush=True)
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()

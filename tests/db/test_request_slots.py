"""More concurrent requests than database connections or worker threads: every one completes (no deadlock).

Regression tests for two deadlocks the benchmark found, driven through HTTP against a real served app
with one pooled connection (CEYICE_DB_POOL_SIZE=1: 21 connections with the overflow) and a worker-thread
pool smaller than that:

- Requests holding a connection waited for a worker thread while every thread waited in the pool for a
  connection. Only the pool's 30 s timeout broke it (then 503s). The app bounds the requests that hold a
  session (app.db.session.make_request_slots).
- On SQLite, a GET that writes apart (then the study page recording a visit; now a campaign page
  submitting an overdue attempt) re-took a request slot before the write lock; POSTs take the lock
  first. With the slots all held by such GETs waiting for the lock, the POST holding the lock waited for
  a slot forever. The GET now queues for the lock first.

A hang detector, not a timing test: the only bound is a generous one that a deadlock cannot meet.
"""

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
import httpx
from sqlalchemy import select, update
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import Environment, Settings
from app.core.timeutil import utc_now
from app.db.session import make_engine, make_sessionmaker
from app.main import create_app
from app.quiz.models import Attempt, AttemptStatus
from tests.hardening.faults import prepare_database
from tests.hardening.seed import Employee, Seeded
from tests.support.browser import serve

WORKER_THREADS = 4  # fewer threads than connections: the shape of the deadlock, reached with few requests
HANG_BOUND = 60.0  # seconds; the pool's own timeout is 30 s, so a deadlock either hangs or ends in 503s
CSRF_MARK = 'name="csrf_token" value="'


class FewThreads:
    """The app with its worker-thread pool (sync dependencies, views, commits) cut to a few threads."""

    def __init__(self, app: ASGIApp, threads: int) -> None:
        self.app, self.threads = app, threads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            # The limiter belongs to the server's event loop: set it there, before the first request.
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
        await self.app(scope, receive, send)


def tiny_app(url: str, data_dir: Path) -> ASGIApp:
    settings = Settings(env=Environment.TEST, data_dir=data_dir, database_url=url, secret_key="s" * 48,
                        db_pool_size=1)
    return FewThreads(create_app(settings), WORKER_THREADS)


async def all_within_bound(calls: list[asyncio.Task[int]]) -> list[int]:
    """Every call's status, or a failure naming how many were still waiting when the bound ran out."""
    _, pending = await asyncio.wait(calls, timeout=HANG_BOUND)
    for task in pending:
        task.cancel()
    assert not pending, f"{len(pending)} of {len(calls)} requests still waiting after {HANG_BOUND:.0f} s: deadlock"
    return [task.result() for task in calls]


def csrf_of(page: httpx.Response) -> str:
    start = page.text.index(CSRF_MARK) + len(CSRF_MARK)
    return page.text[start:page.text.index('"', start)]


def test_more_concurrent_requests_than_connections_and_threads_all_complete(database_url: str,
                                                                            tmp_path: Path) -> None:
    seeded = prepare_database(database_url, tmp_path, people=1)
    paths = ["/healthz", f"/c/{seeded.slug}", f"/c/{seeded.slug}/identify"] * 30  # 90 at once, 21 connections

    async def fire(base: str) -> list[int]:
        limits = httpx.Limits(max_connections=len(paths))
        async with httpx.AsyncClient(base_url=base, timeout=HANG_BOUND + 30, limits=limits) as client:
            async def get(path: str) -> int:
                return (await client.get(path)).status_code
            return await all_within_bound([asyncio.create_task(get(p)) for p in paths])

    with serve(tiny_app(database_url, tmp_path)) as base:
        statuses = asyncio.run(fire(base))
    # Not one 503 from the pool's timeout either: nobody waited for a connection that long.
    assert Counter(statuses) == {200: len(paths)}


async def _identified(client: httpx.AsyncClient, seeded: Seeded, who: Employee) -> str:
    page = await client.get(f"/c/{seeded.slug}/identify")
    token = csrf_of(page)
    posted = await client.post(f"/c/{seeded.slug}/identify", data={
        "csrf_token": token, "unit_id": str(who.unit_id), "name": who.name, "code": who.code})
    assert posted.status_code == 303, posted.text
    return token


def test_gets_writing_apart_and_posts_at_once_all_complete_on_few_slots(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ceyice.db'}"  # the write lock, and so the order of waits, is SQLite's
    readers, writers = 48, 24  # 16 request slots (1 pooled connection + 20 overflow − 5 reserved)
    seeded = prepare_database(url, tmp_path, people=readers + writers)
    settings = Settings(env=Environment.TEST, data_dir=tmp_path, database_url=url, secret_key="s" * 48)
    engine = make_engine(settings)

    async def run(base: str) -> tuple[list[int], list[int]]:
        clients = [httpx.AsyncClient(base_url=base, timeout=HANG_BOUND + 30) for _ in seeded.employees]
        try:
            tokens = [await _identified(c, seeded, who) for c, who in zip(clients, seeded.employees, strict=True)]
            for client, token in zip(clients[:readers], tokens[:readers], strict=True):
                started = await client.post(f"/c/{seeded.slug}/start", data={"csrf_token": token})
                assert started.status_code == 303
            # Every reader's attempt ran out of time long ago: their campaign page submits it, a GET that
            # writes apart (app.db.session.write_apart).
            with engine.begin() as connection:
                connection.execute(update(Attempt).values(deadline_at=utc_now() - timedelta(hours=1)))

            async def visit(client: httpx.AsyncClient) -> int:
                return (await client.get(f"/c/{seeded.slug}")).status_code

            async def begin(client: httpx.AsyncClient, token: str) -> int:
                return (await client.post(f"/c/{seeded.slug}/start", data={"csrf_token": token})).status_code

            calls = [asyncio.create_task(visit(c)) for c in clients[:readers]]
            calls += [asyncio.create_task(begin(c, t)) for c, t in zip(clients[readers:], tokens[readers:],
                                                                         strict=True)]
            statuses = await all_within_bound(calls)
            return statuses[:readers], statuses[readers:]
        finally:
            for client in clients:
                await client.aclose()

    try:
        with serve(tiny_app(url, tmp_path)) as base:
            visits, starts = asyncio.run(run(base))
        assert Counter(visits) == {200: readers} and Counter(starts) == {303: writers}
        with make_sessionmaker(engine)() as session:
            statuses = Counter(session.scalars(select(Attempt.status)))
            assert statuses == {AttemptStatus.SUBMITTED: readers, AttemptStatus.IN_PROGRESS: writers}
    finally:
        engine.dispose()

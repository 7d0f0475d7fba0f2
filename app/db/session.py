"""Engine and per-request session: the request owns the transaction, services only flush."""

from collections.abc import AsyncIterator
from contextlib import nullcontext
from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings

SQLITE_BUSY_TIMEOUT_MS = 15_000
MAX_OVERFLOW = 20
# Connections kept out of the requests' reach: background jobs (bank generation) open their own sessions.
RESERVED_CONNECTIONS = 5


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database, with SQLite tuned for many readers and one writer."""
    url = settings.database_url
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=settings.db_pool_size,
            max_overflow=MAX_OVERFLOW,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate_when_asked)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=settings.db_pool_size, max_overflow=MAX_OVERFLOW, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin_immediate_when_asked(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so a writer waits (busy_timeout) instead of
    # failing with "database is locked" when it upgrades from a read halfway through.
    mode = "IMMEDIATE" if connection.get_execution_options().get("sqlite_immediate") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit, as web views need."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def make_write_lock(engine: Engine) -> anyio.Lock | None:
    """On SQLite, one writing request at a time per process (None on PostgreSQL).

    SQLite allows one writer; many threads each waiting in SQLite's busy handler sleep in growing steps
    and collapse throughput, while a queue in front of the database keeps every writer moving. The lock is
    awaited on the event loop, so waiting requests hold no worker thread.
    """
    return anyio.Lock() if engine.dialect.name == "sqlite" else None


def make_request_slots(settings: Settings) -> anyio.Semaphore:
    """How many requests may hold a database session at once: the pool's connections, less a reserve.

    Sync dependencies and views run in a 40-thread pool. With more requests in flight than connections,
    requests holding a connection wait for a thread while every thread waits for a connection: a deadlock
    that only the pool's 30 s timeout breaks (seen on PostgreSQL at 64 connections: 30 sessions idle in
    transaction, throughput near zero). Waiting for a slot happens on the event loop and holds neither.
    """
    return anyio.Semaphore(max(settings.db_pool_size + MAX_OVERFLOW - RESERVED_CONNECTIONS, 1))


async def writing_request(request: Request) -> None:
    """Mark a GET that writes (a page that opens a row) so that it queues with the POSTs on SQLite.

    Without it such a GET begins a deferred transaction, reads, and then fails at once with "database is
    locked" when another request committed in between (SQLite cannot upgrade a stale read snapshot).
    Add it to the route's `dependencies=` so it runs before the session is opened.
    """
    request.state.writes = True


def _commit_and_close(session: Session) -> None:
    # One trip to the thread pool instead of two: every hop waits for a free thread and the event loop.
    try:
        session.commit()
    finally:
        session.close()


def _rollback_and_close(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request: commit when the view succeeds, roll back when it raises."""
    state = request.app.state
    factory: sessionmaker[Session] = state.sessionmaker
    lock: anyio.Lock | None = state.write_lock
    writes = request.method in UNSAFE_METHODS or getattr(request.state, "writes", False)
    serialise = lock is not None and writes
    slots: anyio.Semaphore = state.request_slots
    async with lock if serialise and lock is not None else nullcontext(), slots:
        # A writer's first statement begins IMMEDIATE in whichever worker thread runs it: no extra hop.
        session = factory(bind=state.immediate_engine) if serialise else factory()
        try:
            yield session
        except BaseException:
            await run_in_threadpool(_rollback_and_close, session)
            raise
        await run_in_threadpool(_commit_and_close, session)


# scope="function": commit before the response leaves. With FastAPI's default ("request") the commit
# runs after a 303 is sent, so the browser's next GET can miss what the POST just wrote, and a failed
# commit is never reported to the person who pressed the button.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

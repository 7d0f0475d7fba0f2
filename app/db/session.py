"""Engine and per-request session: the request owns the transaction, services only flush."""

from collections.abc import AsyncIterator, Callable
from contextlib import nullcontext
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Settings
from app.db.fastpath import PooledFastPath

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


def make_write_lock(engine: Engine, fast_path: PooledFastPath) -> PooledFastPath | None:
    """On SQLite, the line writing requests wait in, one at a time per process (None on PostgreSQL).

    SQLite allows one writer; many threads each waiting in SQLite's busy handler sleep in growing steps
    and collapse throughput, while a queue in front of the database keeps every writer moving. It is the
    group writer's own queue (`PooledFastPath.exclusive`), awaited on the event loop, so waiting requests
    hold no worker thread and never meet the group writer in the busy handler.
    """
    return fast_path if engine.dialect.name == "sqlite" else None


def make_request_slots(settings: Settings) -> anyio.Semaphore:
    """How many requests may hold a database session at once: the pool's connections, less a reserve.

    Sync dependencies and views run in a 40-thread pool. With more requests in flight than connections,
    requests holding a connection wait for a thread while every thread waits for a connection: a deadlock
    that only the pool's 30 s timeout breaks (seen on PostgreSQL at 64 connections: 30 sessions idle in
    transaction, throughput near zero). Waiting for a slot happens on the event loop and holds neither.
    """
    return anyio.Semaphore(max(settings.db_pool_size + MAX_OVERFLOW - RESERVED_CONNECTIONS, 1))


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
    lock: PooledFastPath | None = state.write_lock
    serialise = lock is not None and request.method in UNSAFE_METHODS
    slots: anyio.Semaphore = state.request_slots
    async with lock.exclusive() if serialise and lock is not None else nullcontext(), slots:
        # A writer's first statement begins IMMEDIATE in whichever worker thread runs it: no extra hop.
        session = factory(bind=state.immediate_engine) if serialise else factory()
        try:
            yield session
        except BaseException:
            await run_in_threadpool(_rollback_and_close, session)
            raise
        await run_in_threadpool(_commit_and_close, session)


T = TypeVar("T")


async def write_apart(request: Request, session: Session, work: Callable[[], T]) -> T:
    """Run a write that a reading request needs (a lazy expiry, a study visit) in its own transaction.

    A GET's transaction begins DEFERRED and reads first; on SQLite it cannot then turn into a writer
    once another connection has committed (SQLITE_BUSY_SNAPSHOT, not retried by busy_timeout). So the
    read so far is ended, and the write runs like a POST's: behind the write lock, BEGIN IMMEDIATE.
    """
    lock: PooledFastPath | None = request.app.state.write_lock
    if request.method in UNSAFE_METHODS:
        # A writing request already holds the lock and an immediate transaction.
        return await run_in_threadpool(work)

    def run() -> T:
        session.connection(execution_options={"sqlite_immediate": True})
        result = work()
        session.commit()
        return result

    # Nothing is written yet, so this only ends the read snapshot; it also gives the connection back
    # before waiting. Writers take the lock first and a request slot second, and so must this: waiting
    # for the lock while holding a slot could leave the lock's holder waiting for a slot forever.
    await run_in_threadpool(session.commit)
    slots: anyio.Semaphore = request.app.state.request_slots
    slots.release()
    reacquired = False
    try:
        async with lock.exclusive() if lock is not None else nullcontext():
            await slots.acquire()
            reacquired = True
            return await run_in_threadpool(run)
    finally:
        if not reacquired:
            # get_session releases a slot when the request ends: hold one again so the count stays right.
            with anyio.CancelScope(shield=True):
                await slots.acquire()


# scope="function": commit before the response leaves. With FastAPI's default ("request") the commit
# runs after a 303 is sent, so the browser's next GET can miss what the POST just wrote, and a failed
# commit is never reported to the person who pressed the button.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

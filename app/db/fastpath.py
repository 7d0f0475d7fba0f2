"""Core reads and group-committed writes for the few requests that carry nearly all the traffic.

Autosave, submission, the question pages and study visits run a handful of Core statements each. Through
the ORM session they spent more time in thread hops, the unit of work and waiting for the write lock than
in the database: every writer held SQLite's one write lock across three trips through the thread pool.
Here a request hands its statements to one writer thread per process, which runs whatever has arrived
meanwhile in one transaction and one commit, and only then answers each request: acknowledged still means
durable, and 64 phones saving at once cost one commit instead of 64.
"""

import asyncio
import fcntl
import logging
import os
import queue
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import anyio
from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

T = TypeVar("T")
_holding_turn: ContextVar[bool] = ContextVar("ceyice_holding_writer_turn", default=False)
Work = Callable[[Connection], Any]

log = logging.getLogger("ceyice")

# Enough to empty the queue of 64 connections in one commit; a bound so one batch never grows unbounded.
MAX_BATCH = 128
# An idle writer thread ends; the next write starts another. Apps built in tests leave no threads behind.
IDLE_SECONDS = 2.0
# A request's turn longer than this is a bug (or a dead client): the writer stops waiting for it.
TURN_SECONDS = 60.0


class FastPath:
    """Runs Core work on the database: reads at once, writes in shared transactions."""

    async def read(self, work: Callable[[Connection], T]) -> T:  # pragma: no cover - interface
        raise NotImplementedError

    async def write(self, work: Callable[[Connection], T]) -> T:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(slots=True)
class _Job:
    work: Work | None  # None: a turn for a request that writes through its own session (`exclusive`)
    loop: asyncio.AbstractEventLoop
    future: "asyncio.Future[Any]"
    released: threading.Event | None = None


class PooledFastPath(FastPath):
    """The production path: pooled connections for reads, one group-committing writer thread."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        # SQLite: take the write lock at BEGIN, so a batch waits in the busy handler instead of failing.
        self._writer_engine = engine.execution_options(sqlite_immediate=True)
        # None wakes the thread up (to notice it is closed).
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._between_processes = _ProcessLock.for_engine(engine)
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()
        self._closed = False

    async def read(self, work: Callable[[Connection], T]) -> T:
        if self._sqlite:
            # A few indexed reads from a local file take less time than a trip to a worker thread.
            return self._read(work)
        return await anyio.to_thread.run_sync(self._read, work)

    def _read(self, work: Callable[[Connection], T]) -> T:
        with self._engine.connect() as connection:
            return work(connection)

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """The writer's turn for a request that writes through its own ORM session (SQLite).

        The group writer and such requests queue in one line: while the request holds its turn, the
        writer thread waits for it, so the two never meet in SQLite's busy handler, whose growing sleeps
        made identification and starting a quiz wait for hundreds of milliseconds behind autosaves.
        """
        loop = asyncio.get_running_loop()
        granted: asyncio.Future[None] = loop.create_future()
        released = threading.Event()
        self._jobs.put(_Job(None, loop, granted, released))
        self._ensure_writer()
        token = _holding_turn.set(True)
        try:
            await granted
            yield
        finally:
            # Also when the request was cancelled while waiting: the writer then skips its turn.
            released.set()
            _holding_turn.reset(token)

    async def write(self, work: Callable[[Connection], T]) -> T:
        if _holding_turn.get():
            # The writer waits for this request's turn to end, and the turn would wait for the writer.
            raise RuntimeError("a request holding the writer's turn (a session's POST) cannot also write()")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(work, loop, future))
        self._ensure_writer()
        # Shielded: a phone that goes away mid-write must not cancel what others' commit carries.
        return await asyncio.shield(future)

    def close(self) -> None:
        """Let the writer thread finish what is queued and end."""
        self._closed = True
        thread = self._thread
        if thread is not None:
            self._jobs.put(None)
            thread.join(timeout=IDLE_SECONDS * 2)

    def _ensure_writer(self) -> None:
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ceyice-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                first = self._jobs.get(timeout=0.1 if self._closed else IDLE_SECONDS)
            except queue.Empty:
                with self._guard:
                    # Checked under the guard: a job queued after this check starts a new thread.
                    if self._jobs.empty():
                        self._thread = None
                        return
                continue
            batch = [first] if first is not None else []
            while len(batch) < MAX_BATCH and (not batch or batch[-1].work is not None):
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    batch.append(job)
            turn = batch.pop() if batch and batch[-1].work is None else None
            if batch:
                self._commit(batch)
            if turn is not None:
                self._give_turn(turn)

    def _give_turn(self, turn: _Job) -> None:
        assert turn.released is not None
        if turn.released.is_set():
            return
        with self._between_processes:
            if not _deliver(turn, result=None):
                return
            if not turn.released.wait(timeout=TURN_SECONDS):
                log.error("a writing request held the database for more than %s s; the writer goes on",
                          TURN_SECONDS)

    def _commit(self, batch: list[_Job]) -> None:
        try:
            with self._between_processes, self._writer_engine.connect() as connection, connection.begin():
                results = [job.work(connection) for job in batch if job.work is not None]
        except Exception as exc:
            if len(batch) == 1:
                _deliver(batch[0], error=exc)
                return
            # Nothing of the batch was kept: run each job alone, so only the failing one sees its error.
            for job in batch:
                self._commit([job])
            return
        for job, result in zip(batch, results, strict=True):
            _deliver(job, result=result)


class _ProcessLock:
    """An exclusive lock on a file beside the SQLite database, shared by the app's processes.

    Two processes' writers waiting for each other in SQLite's busy handler sleep in growing steps (up to
    100 ms a time) and wake late: with two processes a save's p99 was seconds. Waiting on a file lock,
    the kernel wakes the next writer the moment the other one lets go. A no-op without a database file.
    """

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._fd: int | None = None

    @classmethod
    def for_engine(cls, engine: Engine) -> "_ProcessLock":
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        return cls(f"{database}-writer" if database and database != ":memory:" else None)

    def __enter__(self) -> None:
        # Opened for each hold (the writer thread is its only user): nothing is left open by apps never closed.
        if self._path is not None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _deliver(job: _Job, *, result: Any = None, error: BaseException | None = None) -> bool:
    """Settle the job's future on its own event loop; False if that loop is gone."""
    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    try:
        job.loop.call_soon_threadsafe(settle)
    except RuntimeError:
        # The request's event loop has ended (a test client closed): nobody waits for the answer.
        return False
    return True


async def get_fast_path(request: Request) -> FastPath:
    """The app's fast path (tests replace it with one that joins their transaction)."""
    # async: FastAPI runs a plain function dependency in a worker thread, a hop that costs more than this.
    fast: FastPath = request.app.state.fast_path
    return fast


FastPathDep = Annotated[FastPath, Depends(get_fast_path)]

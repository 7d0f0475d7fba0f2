"""The group-committing writer: every write acknowledged only once committed, many writes per commit,
a failing write failing alone. Against the test database itself (a SQLite file, or PostgreSQL)."""

import asyncio
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, event, func, insert, select
from sqlalchemy.exc import IntegrityError

from app.db.fastpath import PooledFastPath

probe_metadata = MetaData()
probe = Table("fastpath_probe", probe_metadata, Column("id", Integer, primary_key=True),
              Column("label", String(40), unique=True))


@pytest.fixture
def scratch(engine: Engine) -> Iterator[Engine]:
    """A table of its own, dropped afterwards: the writer commits for real, outside any test transaction."""
    probe_metadata.create_all(engine)
    try:
        yield engine
    finally:
        probe_metadata.drop_all(engine)


def _insert(label: str) -> Callable[[Connection], int]:
    def work(connection: Connection) -> int:
        return int(connection.execute(insert(probe).values(label=label).returning(probe.c.id)).scalar_one())
    return work


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(probe)).scalar_one())


def test_concurrent_writes_share_commits_and_each_is_stored_when_acknowledged(scratch: Engine) -> None:
    fast = PooledFastPath(scratch)
    commits = 0

    def on_commit(_connection: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(scratch, "commit", on_commit)
    acknowledged_and_visible: list[bool] = []

    async def one(n: int) -> int:
        new_id = await fast.write(_insert(f"w{n}"))
        # Acknowledged means committed: another connection sees the row at once.
        with scratch.connect() as other:
            acknowledged_and_visible.append(
                other.execute(select(probe.c.id).where(probe.c.id == new_id)).first() is not None)
        return new_id

    async def main() -> list[int]:
        return await asyncio.gather(*(one(n) for n in range(200)))

    try:
        ids = asyncio.run(main())
    finally:
        event.remove(scratch, "commit", on_commit)
        fast.close()
    assert len(set(ids)) == 200
    assert all(acknowledged_and_visible) and len(acknowledged_and_visible) == 200
    assert _count(scratch) == 200
    # 200 writes arriving together must not cost 200 commits (the point of the writer).
    assert commits < 100, commits


def test_a_failing_write_fails_alone_and_the_rest_of_its_batch_is_kept(scratch: Engine) -> None:
    fast = PooledFastPath(scratch)

    async def main() -> list[int | BaseException]:
        # The duplicate label breaks the unique constraint: only its own request may see the error.
        works = [_insert(f"ok{n}") for n in range(30)] + [_insert("ok3")]
        return await asyncio.gather(*(fast.write(w) for w in works), return_exceptions=True)

    try:
        outcomes = asyncio.run(main())
    finally:
        fast.close()
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert _count(scratch) == 30


def test_reads_see_what_was_acknowledged_and_the_writer_thread_ends(scratch: Engine) -> None:
    fast = PooledFastPath(scratch)

    async def main() -> int:
        await fast.write(_insert("one"))
        return await fast.read(lambda c: int(c.execute(select(func.count()).select_from(probe)).scalar_one()))

    assert asyncio.run(main()) == 1
    fast.close()
    assert fast._thread is None


def test_a_sessions_turn_holds_the_group_writer_back_until_it_ends(scratch: Engine) -> None:
    fast = PooledFastPath(scratch)
    order: list[str] = []

    async def session_request() -> None:
        async with fast.exclusive():
            order.append("turn begins")
            await asyncio.sleep(0.2)
            order.append("turn ends")

    async def autosave() -> None:
        await asyncio.sleep(0.05)  # queued while the turn is held

        def work(connection: Connection) -> None:
            order.append("batch written")

        await fast.write(work)

    async def main() -> None:
        await asyncio.gather(session_request(), autosave())

    try:
        asyncio.run(main())
    finally:
        fast.close()
    assert order == ["turn begins", "turn ends", "batch written"]


def test_writing_while_holding_the_turn_is_refused_instead_of_deadlocking(scratch: Engine) -> None:
    fast = PooledFastPath(scratch)

    async def main() -> None:
        async with fast.exclusive():
            await fast.write(_insert("never"))

    try:
        with pytest.raises(RuntimeError, match="turn"):
            asyncio.run(main())
    finally:
        fast.close()
    assert _count(scratch) == 0


def test_two_processes_writers_take_turns_on_the_database_file(scratch: Engine) -> None:
    if scratch.dialect.name != "sqlite":
        pytest.skip("the lock between processes is SQLite's (PostgreSQL has writers of its own)")
    # Two app processes: each has its own writer; a lock on a file beside the database orders them.
    first, second = PooledFastPath(scratch), PooledFastPath(scratch)
    order: list[str] = []

    async def session_request_in_first() -> None:
        async with first.exclusive():
            order.append("first's turn begins")
            await asyncio.sleep(0.3)
            order.append("first's turn ends")

    async def autosave_in_second() -> None:
        await asyncio.sleep(0.05)

        def work(connection: Connection) -> None:
            order.append("second's batch written")

        await second.write(work)

    async def main() -> None:
        await asyncio.gather(session_request_in_first(), autosave_in_second())

    try:
        asyncio.run(main())
    finally:
        first.close()
        second.close()
    assert order == ["first's turn begins", "first's turn ends", "second's batch written"]

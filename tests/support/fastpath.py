"""The app's fast path joined to a test's rolled-back transaction (the real one commits on its own thread).

The statements are the production ones; only where they run differs. The group-committing writer itself
is tested against a real database file in tests/db/test_fastpath.py and through live servers.
"""

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.db.fastpath import FastPath

T = TypeVar("T")


class SessionFastPath(FastPath):
    """Reads and writes on the test session's connection; each write in a savepoint, like a batch."""

    def __init__(self, session: Session) -> None:
        self.session = session

    async def read(self, work: Callable[[Connection], T]) -> T:
        self.session.flush()
        return work(self.session.connection())

    async def write(self, work: Callable[[Connection], T]) -> T:
        self.session.flush()
        with self.session.begin_nested():
            result = work(self.session.connection())
        # Written in SQL behind the ORM's back: loaded objects read the new state when next touched.
        self.session.expire_all()
        return result

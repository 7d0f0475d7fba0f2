"""Fixtures of the hardening tests: apps over their own database files, committed like production."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import Environment, Settings
from app.db import migrate
from app.db.session import make_engine, make_sessionmaker
from app.main import create_app
from tests.hardening.seed import Seeded, seed_campaign
from tests.quiz.conftest import county, employee, make_campaign, quiz_bank  # noqa: F401  (shared fixtures)


@dataclass
class FileApp:
    """An app over its own SQLite file: real commits, real locks, no test transaction around it."""

    app: FastAPI
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    seeded: Seeded
    path: Path

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver")


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[FileApp]:
    path = tmp_path / "ceyice.db"  # the CLI's default name in this data dir
    settings = Settings(env=Environment.TEST, data_dir=tmp_path, database_url=f"sqlite:///{path}",
                        secret_key="h" * 48)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        seeded = seed_campaign(session, people=4, time_limit_seconds=600)
    app = create_app(settings)
    yield FileApp(app=app, settings=settings, engine=engine, sessions=sessions, seeded=seeded, path=path)
    app.state.engine.dispose()
    engine.dispose()

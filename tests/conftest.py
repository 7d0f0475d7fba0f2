"""Test fixtures: a migrated database (SQLite, or PostgreSQL via CEYICE_TEST_DATABASE_URL), a
rolled-back transaction per test that the app's session joins, and an HTTP client."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from app.core.config import Environment, Settings
from app.db import migrate
from app.db.fastpath import get_fast_path
from app.db.session import get_session, make_engine
from app.main import create_app
from tests.support.browser import LiveServer, Shots, run_live_server
from tests.support.fastpath import SessionFastPath

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_report_header() -> str:
    return f"ceyice test database: {_database_label()}"


def _database_label() -> str:
    url = os.environ.get("CEYICE_TEST_DATABASE_URL", "")
    return re.sub(r"//[^@/]*@", "//***@", url) if url else "sqlite (temporary file)"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    url = os.environ.get("CEYICE_TEST_DATABASE_URL") or f"sqlite:///{data_dir / 'test.db'}"
    return Settings(env=Environment.TEST, data_dir=data_dir, database_url=url, secret_key="t" * 48)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose commits are savepoints inside the test's transaction (SQLAlchemy's recipe)."""
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s


@pytest.fixture
def app(settings: Settings, session: Session) -> FastAPI:
    application = create_app(settings)

    def _test_session() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    application.dependency_overrides[get_session] = _test_session
    application.dependency_overrides[get_fast_path] = lambda: SessionFastPath(session)
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as c:
        yield c


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of its own for an app served in another thread or process, which commits for real:
    a SQLite file, or a schema of its own on the test PostgreSQL (skipped without one)."""
    from tests.hardening.faults import isolated_url

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ceyice.db'}"
    url = os.environ.get("CEYICE_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (set CEYICE_TEST_DATABASE_URL)")
    return isolated_url(url)


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the repository; tests that need it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served on a free port from its own SQLite database (for browser tests)."""
    with run_live_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's headless Chromium under Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, require_chromium

    path = require_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium: object) -> Iterator[object]:
    """A fresh phone-sized page (390×844, touch, zh-CN)."""
    from tests.support.browser import PHONE

    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,  # type: ignore[attr-defined]
                                   locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(chromium: object) -> Iterator[object]:
    """A fresh desktop-sized page (1280×900, zh-CN)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    """Numbered screenshots for this test under artifacts/screenshots/."""
    return Shots(request.node.name)

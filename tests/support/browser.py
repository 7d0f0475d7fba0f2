"""A real server on a free port and Debian's headless Chromium driven by Playwright."""

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp

from app.core.config import Environment, Settings
from app.db import migrate
from app.db.session import make_engine, make_sessionmaker
from app.main import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@dataclass
class LiveServer:
    """A running app: its address and a way to put data in its database."""

    url: str
    sessions: sessionmaker[Session]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Serve an ASGI app on a free loopback port from a thread until the block ends; yields its address."""
    port = _free_port()
    # A short graceful shutdown: a test that caught the server hanging must still be able to stop it.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@contextmanager
def run_live_server(data_dir: Path) -> Iterator[LiveServer]:
    """Serve the app from its own migrated SQLite database until the block ends."""
    settings = Settings(env=Environment.TEST, data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'live.db'}",
                        secret_key="b" * 48)
    engine = make_engine(settings)
    migrate.upgrade(engine)
    try:
        with serve(create_app(settings)) as url:
            yield LiveServer(url=url, sessions=make_sessionmaker(engine))
    finally:
        engine.dispose()


def require_chromium() -> str:
    """Chromium's path; in CI a missing browser fails the run instead of skipping silently."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is not installed (make browser-deps)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")


class Shots:
    """Numbered screenshots of one test, saved under artifacts/screenshots/<test>/."""

    def __init__(self, name: str) -> None:
        self.dir = ARTIFACTS / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page: object, label: str) -> Path:
        self.count += 1
        path = self.dir / f"{self.count:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

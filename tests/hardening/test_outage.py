"""A database that cannot be reached gives a clear Chinese 503, never a 500 trace; PostgreSQL reconnects.

The long documented run (bench/faults/pg_restart.py) restarts the real PostgreSQL under load; here the
same code paths are exercised without disturbing anyone: an app whose database is a closed port or an
unopenable file, and pooled PostgreSQL connections killed from the server side.
"""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.core.config import Environment, Settings
from app.main import create_app
from tests.support.web import csrf_from

UNAVAILABLE = "系统繁忙，请稍后再试。"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture(params=["postgresql", "sqlite"])
def down_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    if request.param == "postgresql":
        url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/ceyice"
    else:
        (tmp_path / "not-a-file").mkdir()
        url = f"sqlite:///{tmp_path / 'not-a-file'}"  # a directory: SQLite cannot open it
    settings = Settings(env=Environment.TEST, data_dir=tmp_path, database_url=url, secret_key="d" * 48)
    with TestClient(create_app(settings), base_url="http://testserver", raise_server_exceptions=False) as client:
        yield client


def _assert_unavailable_page(response: object) -> None:
    assert response.status_code == 503, response.text  # type: ignore[attr-defined]
    body = response.text  # type: ignore[attr-defined]
    assert UNAVAILABLE in body and "系统繁忙" in body
    assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body


def test_pages_and_forms_get_a_chinese_503_when_the_database_is_down(down_client: TestClient) -> None:
    for path in ("/c/some-campaign", "/c/some-campaign/identify", "/c/some-campaign/study", "/a/some-token",
                 "/healthz"):
        response = down_client.get(path, follow_redirects=False)
        _assert_unavailable_page(response)
        assert response.headers["content-type"].startswith("text/html")
    # The login form needs no database to show, so its CSRF token lets us post forms that do.
    token = csrf_from(down_client.get("/admin/login"))
    login = down_client.post("/admin/login", data={"username": "a", "password": "b" * 10, "csrf_token": token})
    _assert_unavailable_page(login)
    identify = down_client.post("/c/some-campaign/identify",
                                data={"csrf_token": token, "unit_id": "1", "name": "张三", "code": "1234"})
    _assert_unavailable_page(identify)


def test_json_autosave_gets_a_json_503_when_the_database_is_down(down_client: TestClient) -> None:
    token = csrf_from(down_client.get("/admin/login"))
    response = down_client.post("/api/attempts/some-token/answers/0", json={"response": 1},
                                headers={"X-CSRF-Token": token})
    assert response.status_code == 503
    assert response.json() == {"error": UNAVAILABLE}


def test_pooled_postgresql_connections_killed_by_the_server_are_replaced(settings: Settings, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (set CEYICE_TEST_DATABASE_URL)")
    sep = "&" if "?" in settings.database_url else "?"
    own = settings.model_copy(update={"database_url": f"{settings.database_url}{sep}application_name=ceyice-outage"})
    app = create_app(own)
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200
        app_engine: Engine = app.state.engine
        assert app_engine.pool.checkedin() >= 1  # a connection waits in the pool
        with engine.connect() as admin:
            # What a PostgreSQL restart does to every open connection, limited to this app's pool.
            killed = admin.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'ceyice-outage'"
            )).scalar_one()
        assert killed >= 1
        for _ in range(3):
            response = client.get("/healthz")
            assert response.status_code == 200, response.text
            assert response.json()["database"] == "postgresql"

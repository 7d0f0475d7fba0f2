"""Admin console fixtures: signed-in clients per role, and background jobs run inline on the test session."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import AdminUser, Role, Unit
from app.admin.dependencies import Background, background
from app.banks.jobs import Sessions
from tests.support import factories
from tests.support.web import csrf, login


class InlineBackground(Background):
    """Runs the job at once in the test's transaction, through the same code the thread runs."""

    def start(self, work: Callable[[Sessions, int], None], job_id: int) -> None:
        work(self.sessions, job_id)


@pytest.fixture
def app(app: FastAPI, session: Session) -> FastAPI:
    @contextmanager
    def joined() -> Iterator[Session]:
        yield session
        session.commit()

    sessions: Callable[[], AbstractContextManager[Session]] = joined
    app.dependency_overrides[background] = lambda: InlineBackground(sessions=sessions)
    return app


@pytest.fixture
def organiser(session: Session) -> AdminUser:
    return factories.admin(session, "organiser")


@pytest.fixture
def admin_client(client: TestClient, organiser: AdminUser) -> TestClient:
    assert login(client, organiser.username, factories.PASSWORD).status_code == 303
    return client


@pytest.fixture
def token(admin_client: TestClient) -> str:
    return csrf(admin_client, "/admin/accounts")


def sign_in_liaison(client: TestClient, session: Session, unit: Unit, username: str = "liaison-a") -> AdminUser:
    user = factories.admin(session, username, role=Role.LIAISON, in_unit=unit)
    assert login(client, username, factories.PASSWORD).status_code == 303
    return user

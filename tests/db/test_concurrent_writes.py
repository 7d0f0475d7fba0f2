"""Many requests writing to SQLite at once queue up instead of failing with 'database is locked'."""

from concurrent.futures import ThreadPoolExecutor

import httpx2
from sqlalchemy import func, select

from app.accounts.models import AuditLog
from tests.support.browser import LiveServer
from tests.support.web import csrf_from


def _failed_login(base: str, n: int) -> int:
    # Generous: argon2 checks queue behind one another on a loaded 2-core machine; this tests loss, not speed.
    with httpx2.Client(base_url=base, timeout=180) as client:
        token = csrf_from(client.get("/admin/login"))
        # Distinct client addresses (as nginx would pass them) keep the per-address throttle out of the way.
        response = client.post("/admin/login", data={"username": f"nobody{n}", "password": "x" * 10,
                                                     "csrf_token": token},
                               headers={"x-forwarded-for": f"10.9.{n // 200}.{n % 200}"})
        return response.status_code


def test_sixty_concurrent_writing_requests_all_succeed(live_server: LiveServer) -> None:
    with live_server.sessions() as session:
        before = session.scalar(select(func.count()).select_from(AuditLog)) or 0
    with ThreadPoolExecutor(max_workers=60) as pool:
        statuses = list(pool.map(lambda n: _failed_login(live_server.url, n), range(60)))
    assert statuses == [401] * 60
    with live_server.sessions() as session:
        after = session.scalar(select(func.count()).select_from(AuditLog)) or 0
    assert after - before == 60

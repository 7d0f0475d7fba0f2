"""The reports dashboard in real Chromium: campaign and unit pages on a desktop and a phone."""

import pytest
from sqlalchemy import select

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.quiz.models import Attempt
from tests.reports import fixture
from tests.support.browser import LiveServer, Shots

pytestmark = pytest.mark.browser
PASSWORD = "report-pass-42"


def _seed(live_server: LiveServer) -> tuple[int, int]:
    with live_server.sessions() as session, session.begin():
        world = fixture.build(session)
        for name, seconds in (("A1", 14), ("C2", 9)):  # handed in too fast (提交过快)
            counted = session.scalars(select(Attempt).where(Attempt.person_id == world.people[name].id,
                                                            Attempt.counted)).one()
            counted.flagged_fast, counted.duration_seconds = True, seconds
        accounts_service.create_admin_user(session, username="county", password=PASSWORD,
                                           display_name="县政府办 王主任")
        accounts_service.create_admin_user(session, username="jiaxiang", password=PASSWORD, role=Role.LIAISON,
                                           unit=world.units["甲乡"], display_name="甲乡联络员")
        return world.campaign.id, world.units["乙局"].id


def _sign_in(page: object, url: str, username: str) -> None:
    page.goto(url + "/admin/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(url + "/admin")  # type: ignore[attr-defined]


def _charts_loaded(page: object) -> None:
    images = page.locator("figure.chart img")  # type: ignore[attr-defined]
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        # decode() waits for a lazy image to load; a broken chart rejects and fails the test.
        assert images.nth(i).evaluate("img => img.decode().then(() => img.naturalWidth > 0)")


def test_organiser_reads_the_dashboard_and_a_unit_on_a_desktop(live_server: LiveServer, desktop: object,
                                                                 shots: Shots) -> None:
    campaign_id, unit_id = _seed(live_server)
    page = desktop
    _sign_in(page, live_server.url, "county")
    page.click("text=统计报表")  # type: ignore[attr-defined]
    shots.take(page, "campaigns")
    page.click("text=测一测：政府工作报告知多少")  # type: ignore[attr-defined]
    page.wait_for_url(f"{live_server.url}/admin/reports/{campaign_id}")  # type: ignore[attr-defined]
    assert "63.6%" in page.text_content(".stat-main")  # type: ignore[attr-defined]
    assert "2 人提交过快" in page.text_content(".fast-alert")  # type: ignore[attr-defined]
    _charts_loaded(page)
    shots.take(page, "dashboard")
    page.click(f"a[href$='/units/{unit_id}']")  # type: ignore[attr-defined]
    assert "75.0%" in page.text_content(".stat-main")  # type: ignore[attr-defined]
    assert "C4" in page.text_content("#missing")  # type: ignore[attr-defined]
    _charts_loaded(page)
    shots.take(page, "unit")
    page.goto(f"{live_server.url}/admin/reports/{campaign_id}/items")  # type: ignore[attr-defined]
    shots.take(page, "items")
    page.goto(f"{live_server.url}/admin/reports/{campaign_id}")  # type: ignore[attr-defined]
    page.click(".fast-alert a")  # type: ignore[attr-defined]
    assert page.locator("tr.is-fast").count() == 2  # type: ignore[attr-defined]
    assert "用时 9 秒，少于每题 3 秒" in page.text_content("tbody")  # type: ignore[attr-defined]
    shots.take(page, "people-fast")
    page.click("text=全部人员")  # type: ignore[attr-defined]
    assert page.locator("tbody tr").count() == 11  # type: ignore[attr-defined]
    shots.take(page, "people-all")


def test_liaison_reads_their_unit_on_a_phone(live_server: LiveServer, phone: object, shots: Shots) -> None:
    with live_server.sessions() as session:
        from sqlalchemy import select

        from app.quiz.models import Campaign

        campaign_id = session.scalars(select(Campaign.id)).first()
    page = phone
    _sign_in(page, live_server.url, "jiaxiang")
    page.goto(f"{live_server.url}/admin/reports/{campaign_id}")  # type: ignore[attr-defined]
    assert "80.0%" in page.text_content(".stat-main")  # type: ignore[attr-defined]
    assert "B3" in page.text_content("#missing")  # type: ignore[attr-defined]
    _charts_loaded(page)
    shots.take(page, "unit-phone")
    page.click(".fast-alert a")  # type: ignore[attr-defined]
    assert page.locator("tr.is-fast").count() == 1  # type: ignore[attr-defined]
    assert "C2" not in page.text_content("main")  # type: ignore[attr-defined]
    shots.take(page, "people-fast-phone")

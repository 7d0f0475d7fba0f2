"""A big view's Excel export in real Chromium: the job runs in its thread, the page shows it, then downloads."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.accounts import service as accounts_service
from app.accounts.models import JobStatus
from app.reports import jobs
from tests.reports import fixture
from tests.support.browser import LiveServer, Shots

pytestmark = pytest.mark.browser
PASSWORD = "export-pass-42"


def test_organiser_exports_a_big_view_in_the_background(live_server: LiveServer, desktop: object, shots: Shots,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server.sessions() as session, session.begin():
        world = fixture.build(session)
        county = accounts_service.create_admin_user(session, username="county", password=PASSWORD)
        campaign_id = world.campaign.id
        # A job caught halfway, as the page shows it while a big town is being written.
        halfway = jobs.create_export_job(session, campaign=world.campaign, unit=None, actor=county, filename="x.xlsx")
        halfway.status, halfway.done, halfway.total, halfway.stage = JobStatus.RUNNING, 40, 100, "正在写人员明细"
        session.flush()
        halfway_id = halfway.id
    monkeypatch.setattr(jobs, "DIRECT_LIMIT", 5)  # the seeded campaign has 11 people on its roster
    page = desktop
    page.goto(live_server.url + "/admin/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", "county")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(live_server.url + "/admin")  # type: ignore[attr-defined]
    page.goto(f"{live_server.url}/admin/reports/{campaign_id}/exports/{halfway_id}")  # type: ignore[attr-defined]
    assert page.get_attribute("[role=progressbar]", "aria-valuenow") == "40"  # type: ignore[attr-defined]
    assert "正在写人员明细" in page.text_content("[data-stage]")  # type: ignore[attr-defined]
    shots.take(page, "export-running")
    page.goto(f"{live_server.url}/admin/reports/{campaign_id}")  # type: ignore[attr-defined]
    page.click("form[action*='/exports'] button")  # type: ignore[attr-defined]
    page.wait_for_url(f"{live_server.url}/admin/reports/{campaign_id}/exports/*")  # type: ignore[attr-defined]
    link = page.locator("a:has-text('下载 Excel')")  # type: ignore[attr-defined]
    link.wait_for(timeout=20_000)  # the page polls the job and reloads when it is done
    assert "Excel 已导出" in page.text_content("h1")  # type: ignore[attr-defined]
    shots.take(page, "export-done")
    with page.expect_download() as download:  # type: ignore[attr-defined]
        link.click()
    saved = download.value.path()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(saved).read_bytes()), read_only=True)  # the saved file has no suffix
    assert book.sheetnames == ["单位汇总", "人员明细", "未参与名单", "题目分析"]
    assert len(list(book["人员明细"].iter_rows(min_row=2))) == 11  # the active people of the roster

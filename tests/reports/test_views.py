"""Report pages and exports over HTTP: what organisers and liaisons see, and what they may not."""

import csv
import io

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.accounts.models import Role
from tests.reports import fixture
from tests.reports.fixture import World
from tests.support import factories
from tests.support.web import login


@pytest.fixture
def world(session: Session) -> World:
    made = fixture.build(session)
    factories.admin(session, "organiser")
    factories.admin(session, "jiaxiang", role=Role.LIAISON, in_unit=made.units["甲乡"])
    session.flush()
    return made


def sign_in(client: TestClient, username: str) -> None:
    assert login(client, username, factories.PASSWORD).status_code == 303


def test_organiser_dashboard_shows_the_campaign_figures(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    response = client.get(f"/admin/reports/{world.campaign.id}")
    assert response.status_code == 200
    assert response.template.name == "reports/dashboard.html"  # type: ignore[attr-defined]
    summary = response.context["summary"]  # type: ignore[attr-defined]
    assert (summary.total.roster, summary.total.participants) == (11, 7)
    assert [r.unit.name for r in response.context["rows"]] == ["丁所", "丙校", "乙局", "甲乡"]  # type: ignore[attr-defined]
    assert response.context["paper"] == 1  # type: ignore[attr-defined]
    assert "63.6%" in response.text and "13900" in response.text  # rate 7/11; phone numbers to chase


def test_liaison_sees_only_their_subtree(client: TestClient, world: World) -> None:
    sign_in(client, "jiaxiang")
    page = client.get(f"/admin/reports/{world.campaign.id}")
    assert page.context["summary"].total.roster == 5  # type: ignore[attr-defined]
    assert [p.name for p, _ in page.context["missing"]] == ["B3"]  # type: ignore[attr-defined]
    outside = client.get(f"/admin/reports/{world.campaign.id}/units/{world.units['乙局'].id}")
    assert outside.status_code == 403
    export = client.get(f"/admin/reports/{world.campaign.id}/export.csv?sheet=people&unit={world.units['乙局'].id}")
    assert export.status_code == 403
    inside = client.get(f"/admin/reports/{world.campaign.id}/units/{world.units['甲乡/办公室'].id}")
    assert inside.status_code == 200 and inside.context["summary"].total.roster == 2  # type: ignore[attr-defined]


def test_xlsx_export_has_the_four_sheets_with_the_figures(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    response = client.get(f"/admin/reports/{world.campaign.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["单位汇总", "人员明细", "未参与名单", "题目分析"]
    units = [list(r) for r in book["单位汇总"].iter_rows(values_only=True)]
    assert units[0][:4] == ["单位", "应参与人数", "已参与人数", "参与率"]
    by_name = {str(r[0]).strip("　"): r for r in units[1:]}
    assert list(by_name["甲乡"][1:4]) == [5, 4, 0.8]
    assert list(by_name["合计"][1:11]) == [11, 7, pytest.approx(7 / 11), 4, 3, 82.1, 100, 60, 7, 1.0]
    assert list(by_name["丙校"][1:4]) == [0, 0, None]
    people = {r[1]: r for r in book["人员明细"].iter_rows(min_row=2, values_only=True)}
    assert people["A3"][5:8] == (60, "是", "纸质")
    assert people["C3"][4:6] == (2, 95)
    missing = [r[1] for r in book["未参与名单"].iter_rows(min_row=2, values_only=True)]
    assert missing == ["D1", "D2", "C4", "B3"]
    items = list(book["题目分析"].iter_rows(values_only=True))
    assert items[0][:5] == ("题型", "题目", "作答人数", "答对人数", "正确率") and len(items) > 1


def test_csv_export_is_utf8_with_bom_and_liaison_scoped(client: TestClient, world: World) -> None:
    sign_in(client, "jiaxiang")
    response = client.get(f"/admin/reports/{world.campaign.id}/export.csv?sheet=missing")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["单位", "姓名", "手机号", "职务"]
    assert [r[1] for r in rows[1:]] == ["B3"]
    assert "filename*=UTF-8''" in response.headers["content-disposition"]


def test_word_brief_states_the_figures_in_prose(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    response = client.get(f"/admin/reports/{world.campaign.id}/brief.docx")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "应参与11人，实际参与7人，参与率63.6%，其中1人通过纸质答卷参与" in text
    assert "最高分100分，最低分60分，平均分82.1分" in text
    assert ("参与率低于90%的单位有3个：丁所（0.0%，尚有2人未参与）、乙局（75.0%，尚有1人未参与）、"
            "甲乡（80.0%，尚有1人未参与）") in text
    assert "一是对尚未参与的4名同志逐一提醒督促" in text
    tables = doc.tables
    assert tables[0].rows[0].cells[0].text == "单位" and len(tables[1].rows) == 5


def test_charts_are_svg_made_on_the_server(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    for name in ("participation", "distribution", "daily"):
        response = client.get(f"/admin/reports/{world.campaign.id}/charts/{name}.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content
    assert client.get(f"/admin/reports/{world.campaign.id}/charts/nope.svg").status_code == 404


def test_item_analysis_page_lists_questions(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    response = client.get(f"/admin/reports/{world.campaign.id}/items")
    assert response.status_code == 200
    assert response.template.name == "reports/items.html"  # type: ignore[attr-defined]


def test_reports_need_a_signed_in_admin(client: TestClient, world: World) -> None:
    response = client.get(f"/admin/reports/{world.campaign.id}", follow_redirects=False)
    assert response.status_code == 303 and "/admin/login" in response.headers["location"]

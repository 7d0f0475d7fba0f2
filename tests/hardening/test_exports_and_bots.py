"""What bots and hostile names meet on the organiser's side: a too-fast submission is marked in the export,
HTML in names is escaped on every report page, and the exports open cleanly with formulas neutralised."""

import csv
import io
from typing import Any

from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.reports.exports import FAST_NOTE
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import attempt_of, identify, start, submit, token_of
from tests.reports import fixture
from tests.support import factories
from tests.support.web import login

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


def _people_sheet(client: TestClient, campaign_id: int) -> list[tuple[Any, ...]]:
    response = client.get(f"/admin/reports/{campaign_id}/export.xlsx")
    assert response.status_code == 200, response.text[:300]
    book = load_workbook(io.BytesIO(response.content))
    return list(book["人员明细"].iter_rows(values_only=True))


def test_a_submission_faster_than_reading_is_marked_for_the_organiser(
        client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit, employee: Person) -> None:
    campaign = make_campaign(time_limit_seconds=1800)
    slow = factories.person(session, county, name="李慢慢", phone="13800001002")
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    fast_token = token_of(start(client, campaign))
    assert submit(client, fast_token).status_code == 303  # 8 questions in well under 24 seconds
    client.cookies.clear()
    identify(client, campaign, unit_id=county.id, name="李慢慢", code="1002")
    slow_token = token_of(start(client, campaign))
    slow_attempt = attempt_of(session, slow_token)
    slow_attempt.started_at = slow_attempt.started_at.replace(year=slow_attempt.started_at.year - 1)
    session.flush()
    assert submit(client, slow_token).status_code == 303
    assert attempt_of(session, fast_token).flagged_fast and not attempt_of(session, slow_token).flagged_fast

    client.cookies.clear()
    factories.admin(session, "organiser")
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    rows = _people_sheet(client, campaign.id)
    header, body = rows[0], {row[1]: row for row in rows[1:]}
    note = header.index("备注")
    assert body["张建国"][note] == FAST_NOTE
    assert body[slow.name][note] in ("", None)


def test_html_and_formulas_in_every_name_are_inert_in_pages_and_exports(client: TestClient, session: Session) -> None:
    campaign = fixture.campaign(session)
    unit = factories.unit(session, f"示范县/{IMG}")
    people = [factories.person(session, unit, name=f"{SCRIPT}{i}") for i in range(2)]
    people[0].title = FORMULAS[0]
    for person, formula in zip(people, FORMULAS[1:], strict=False):
        person.title = formula
    fixture.submit(session, campaign, people[0], 90, fixture.at("2026-03-01T02:00"))
    factories.admin(session, "organiser")
    session.flush()
    assert login(client, "organiser", factories.PASSWORD).status_code == 303

    for path in (f"/admin/reports/{campaign.id}", f"/admin/reports/{campaign.id}/units/{unit.id}",
                 f"/admin/reports/{campaign.id}/items", "/admin/roster", f"/admin/roster/units/{unit.id}",
                 f"/admin/reports/{campaign.id}/units/{unit.id}/paper"):
        page = client.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        assert SCRIPT not in page.text and IMG not in page.text, path
        if not path.endswith("/items"):  # the item analysis shows questions, not names
            assert "&lt;script&gt;" in page.text or "&lt;img" in page.text, path

    csv_text = client.get(f"/admin/reports/{campaign.id}/export.csv", params={"sheet": "people"}).content
    cells = [c for row in csv.reader(io.StringIO(csv_text.decode("utf-8-sig"))) for c in row]
    assert any(SCRIPT in c for c in cells)  # plain text in a CSV: shown, never run
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    book = load_workbook(io.BytesIO(client.get(f"/admin/reports/{campaign.id}/export.xlsx").content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")))
    brief = client.get(f"/admin/reports/{campaign.id}/brief.docx")
    assert brief.status_code == 200
    document = Document(io.BytesIO(brief.content))  # opens: the XML was escaped, not broken
    assert document.paragraphs

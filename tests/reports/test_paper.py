"""Paper quizzes: printed DOCX/PDF opened back, answers entered on the form, graded, counted as 纸质."""

import io

import pytest
from docx import Document
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Role
from app.quiz.models import Answer, Attempt, AttemptSource
from app.reports import paper, service
from tests.reports import fixture
from tests.reports.fixture import World
from tests.support import factories
from tests.support.web import csrf_from, login


@pytest.fixture
def world(session: Session) -> World:
    made = fixture.build(session)
    factories.admin(session, "jiaxiang", role=Role.LIAISON, in_unit=made.units["甲乡"])
    session.flush()
    return made


def key_form(snapshot: list[dict[str, object]], *, wrong: int = 0) -> dict[str, object]:
    """Form fields answering every item correctly except the first `wrong` ones (left blank)."""
    form: dict[str, object] = {}
    for item in snapshot[wrong:]:
        name, answer = f"q{item['position']}", item["answer"]
        if item["kind"] == "multiple_choice":
            form[name] = [str(a) for a in answer]  # type: ignore[attr-defined]
        elif item["kind"] == "true_false":
            form[name] = "true" if answer else "false"
        elif item["kind"] == "fill_blank":
            form[name] = answer[0]  # type: ignore[index]
        else:
            form[name] = str(answer)
    return form


def test_the_same_paper_is_drawn_for_printing_and_entry(session: Session, world: World) -> None:
    unit = world.units["甲乡"]
    first = paper.draw_paper(session, world.campaign, unit)
    assert first == paper.draw_paper(session, world.campaign, unit)
    assert paper.paper_code(first) != paper.paper_code(paper.draw_paper(session, world.campaign, world.units["乙局"]))


def test_printed_paper_opens_as_docx_and_pdf_with_every_question(session: Session, world: World) -> None:
    unit = world.units["甲乡"]
    snapshot = paper.draw_paper(session, world.campaign, unit)
    docx_bytes, pdf_bytes = io.BytesIO(), io.BytesIO()
    paper.write_paper_docx(world.campaign, unit, snapshot, docx_bytes)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_bytes.getvalue())).paragraphs)
    assert f"试卷编号 {paper.paper_code(snapshot)}" in text
    for item in snapshot:
        assert f"{item['position'] + 1}. {item['stem']}" in text
    assert "1244万人" in text and "答题卡" in text
    if not paper.pdf_available():
        pytest.skip("no CJK font installed")
    paper.write_paper_pdf(world.campaign, unit, snapshot, pdf_bytes)
    reader = PdfReader(io.BytesIO(pdf_bytes.getvalue()))
    pdf_text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\x00", "")
    assert "答题卡" in pdf_text and snapshot[0]["stem"].replace(" ", "")[:8] in pdf_text


def test_liaison_enters_paper_answers_and_they_count(client: TestClient, session: Session, world: World) -> None:
    assert login(client, "jiaxiang", factories.PASSWORD).status_code == 303
    unit, b3 = world.units["甲乡/办公室"], world.people["B3"]
    page = client.get(f"/admin/reports/{world.campaign.id}/units/{unit.id}/paper")
    assert page.status_code == 200 and page.template.name == "reports/paper.html"  # type: ignore[attr-defined]
    assert [p.name for p, _ in page.context["waiting"]] == ["B3"]  # type: ignore[attr-defined]
    docx = client.get(f"/admin/reports/{world.campaign.id}/units/{unit.id}/paper.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"

    entry = client.get(f"/admin/reports/{world.campaign.id}/units/{unit.id}/paper/{b3.id}")
    assert entry.status_code == 200
    assert "answer" not in entry.context["items"][0]  # type: ignore[attr-defined]
    snapshot = paper.draw_paper(session, world.campaign, unit)
    form = key_form(snapshot, wrong=1) | {"csrf_token": csrf_from(entry)}
    done = client.post(f"/admin/reports/{world.campaign.id}/units/{unit.id}/paper/{b3.id}", data=form,
                       follow_redirects=False)
    assert done.status_code == 303

    attempt = session.scalars(select(Attempt).where(Attempt.person_id == b3.id)).one()
    assert (attempt.source, attempt.counted, attempt.score) == (AttemptSource.PAPER, True, 80)  # 4 of 5 right
    # Like an online attempt, a question left blank on paper has no answer row; it earns nothing.
    saved = session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all()
    assert sorted(a.position for a in saved) == [item["position"] for item in snapshot[1:]]
    assert all(a.fraction == 1.0 for a in saved)
    figures = service.summarise(session, world.campaign).units[unit.id].total
    assert (figures.participants, figures.roster, figures.lowest) == (2, 2, 80)
    assert service.paper_participants(session, world.campaign) == 2
    shown = client.get(done.headers["location"])
    assert "已录入 B3 的纸质答卷：得分 80 分" in shown.text


def test_paper_entry_refuses_people_outside_the_unit_and_bad_answers(client: TestClient, world: World) -> None:
    assert login(client, "jiaxiang", factories.PASSWORD).status_code == 303
    campaign, unit = world.campaign, world.units["甲乡"]
    outsider = client.get(f"/admin/reports/{campaign.id}/units/{unit.id}/paper/{world.people['C4'].id}")
    assert outsider.status_code == 404
    other_unit = client.get(f"/admin/reports/{campaign.id}/units/{world.units['乙局'].id}/paper")
    assert other_unit.status_code == 403
    entry = client.get(f"/admin/reports/{campaign.id}/units/{unit.id}/paper/{world.people['B3'].id}")
    bad = client.post(f"/admin/reports/{campaign.id}/units/{unit.id}/paper/{world.people['B3'].id}",
                      data={"q0": "9", "csrf_token": csrf_from(entry)})
    assert bad.status_code == 422 and "第1题的答案无法识别" in bad.text
    full = client.get(f"/admin/reports/{campaign.id}/units/{unit.id}/paper/{world.people['A2'].id}")
    world.campaign.max_attempts = 2
    refused = client.post(f"/admin/reports/{campaign.id}/units/{unit.id}/paper/{world.people['A2'].id}",
                          data={"csrf_token": csrf_from(full)})
    assert refused.status_code == 422 and "A2已答满2次" in refused.text

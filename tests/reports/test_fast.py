"""Submissions flagged as too fast (提交过快) reach the organiser and the liaison on the report pages.

The hand-computed campaign (tests/reports/fixture.py) with three counted results flagged: A1 (甲乡),
C2 (乙局) and B2 (办公室, deactivated: out of every figure), and one flagged attempt that does not count
(C3's 40, under the best-score policy).
"""

import io

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Role, Unit
from app.core.templating import templates
from app.quiz.models import Attempt
from app.reports import service
from tests.quiz.conftest import MakeCampaign, county, employee, make_campaign, quiz_bank  # noqa: F401
from tests.quiz.helpers import identify, start, submit, token_of
from tests.reports import fixture
from tests.reports.fixture import World
from tests.support import factories
from tests.support.web import login

FAST_SECONDS = 12


@pytest.fixture
def world(session: Session) -> World:
    made = fixture.build(session)
    for name in ("A1", "C2", "B2"):
        counted = session.scalars(select(Attempt).where(Attempt.person_id == made.people[name].id,
                                                        Attempt.counted)).one()
        counted.flagged_fast, counted.duration_seconds = True, FAST_SECONDS
    not_counted = session.scalars(select(Attempt).where(Attempt.person_id == made.people["C3"].id,
                                                        Attempt.counted.is_(False))).one()
    not_counted.flagged_fast = True
    factories.admin(session, "organiser")
    factories.admin(session, "jiaxiang", role=Role.LIAISON, in_unit=made.units["甲乡"])
    factories.admin(session, "yiju", role=Role.LIAISON, in_unit=made.units["乙局"])
    session.flush()
    return made


def sign_in(client: TestClient, username: str) -> None:
    assert login(client, username, factories.PASSWORD).status_code == 303


def people_url(world: World, **query: object) -> str:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/admin/reports/{world.campaign.id}/people" + (f"?{params}" if params else "")


def test_figures_count_counted_fast_results_of_active_people_per_unit(session: Session, world: World) -> None:
    summary = service.summarise(session, world.campaign)
    fast = {row.unit.name: row.total.fast for row in service.flatten(summary.top)}
    assert fast == {"丁所": 0, "丙校": 0, "乙局": 1, "甲乡": 1, "办公室": 0}
    assert summary.total.fast == 2
    assert service.fast_total(session, world.campaign, within=world.units["甲乡"]) == 1


def test_dashboard_shows_the_fast_count_per_unit_and_links_to_the_list(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    page = client.get(f"/admin/reports/{world.campaign.id}")
    assert page.template.name == "reports/dashboard.html"  # type: ignore[attr-defined]
    assert page.context["summary"].total.fast == 2  # type: ignore[attr-defined]
    assert {r.unit.name: r.total.fast for r in page.context["rows"]} == {  # type: ignore[attr-defined]
        "丁所": 0, "丙校": 0, "乙局": 1, "甲乡": 1}
    assert "2 人提交过快" in page.text and "平均每题用时不足 3 秒" in page.text
    yiju = world.units["乙局"].id
    assert f"/people?show=fast&amp;unit={yiju}" in page.text  # the unit table's count opens that unit's list


def test_dashboard_without_fast_results_shows_no_alert(client: TestClient, session: Session, world: World) -> None:
    for attempt in session.scalars(select(Attempt).where(Attempt.flagged_fast)):
        attempt.flagged_fast = False
    session.flush()
    sign_in(client, "organiser")
    page = client.get(f"/admin/reports/{world.campaign.id}")
    assert page.context["summary"].total.fast == 0  # type: ignore[attr-defined]
    assert "人提交过快" not in page.text


def test_people_list_marks_fast_results_with_the_time_taken(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    page = client.get(people_url(world))
    assert page.status_code == 200
    assert page.template.name == "reports/people.html"  # type: ignore[attr-defined]
    rows = page.context["rows"]  # type: ignore[attr-defined]
    assert [r.name for r in rows] == ["D1", "D2", "C1", "C2", "C3", "C4", "A1", "A2", "A3", "B1", "B3"]
    assert [r.name for r in rows if r.flagged_fast] == ["C2", "A1"]
    assert page.context["show"] == "all" and page.context["fast_count"] == 2  # type: ignore[attr-defined]
    assert page.text.count('<tr class="is-fast">') == 2
    assert f"用时 {FAST_SECONDS} 秒，少于每题 3 秒" in page.text


def test_people_list_filters_to_the_fast_results(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    page = client.get(people_url(world, show="fast"))
    assert page.context["show"] == "fast"  # type: ignore[attr-defined]
    assert [(r.name, r.duration_seconds) for r in page.context["rows"]] == [  # type: ignore[attr-defined]
        ("C2", FAST_SECONDS), ("A1", FAST_SECONDS)]
    assert "什么是“提交过快”" in page.text
    unit_page = client.get(people_url(world, show="fast", unit=world.units["甲乡"].id))
    assert [r.name for r in unit_page.context["rows"]] == ["A1"]  # type: ignore[attr-defined]
    assert unit_page.context["unit"].name == "甲乡"  # type: ignore[attr-defined]
    none = client.get(people_url(world, show="fast", unit=world.units["丁所"].id))
    assert none.context["rows"] == [] and "没有提交过快的答卷" in none.text  # type: ignore[attr-defined]
    odd = client.get(people_url(world, show="<script>"))
    assert odd.status_code == 200 and odd.context["show"] == "all"  # type: ignore[attr-defined]


def test_liaison_sees_only_their_own_units_fast_results(client: TestClient, world: World) -> None:
    sign_in(client, "jiaxiang")
    own = client.get(people_url(world, show="fast"))
    assert [r.name for r in own.context["rows"]] == ["A1"]  # type: ignore[attr-defined]
    assert own.context["fast_count"] == 1 and "C2" not in own.text  # type: ignore[attr-defined]
    everyone = client.get(people_url(world))
    assert {r.name for r in everyone.context["rows"]} == {"A1", "A2", "A3", "B1", "B3"}  # type: ignore[attr-defined]
    dashboard = client.get(f"/admin/reports/{world.campaign.id}")
    assert dashboard.context["summary"].total.fast == 1  # type: ignore[attr-defined]


def test_liaison_of_another_unit_cannot_see_the_fast_list(client: TestClient, world: World) -> None:
    sign_in(client, "yiju")
    for path in (people_url(world, show="fast", unit=world.units["甲乡"].id),
                 people_url(world, unit=world.units["甲乡"].id),
                 f"/admin/reports/{world.campaign.id}/units/{world.units['甲乡'].id}"):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert "A1" not in refused.text
    own = client.get(people_url(world, show="fast"))
    assert [r.name for r in own.context["rows"]] == ["C2"]  # type: ignore[attr-defined]


def test_word_brief_names_the_fast_results_among_the_problems(client: TestClient, world: World) -> None:
    sign_in(client, "organiser")
    response = client.get(f"/admin/reports/{world.campaign.id}/brief.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "一是仍有4名同志未参与答题" in text
    assert "是有2名同志交卷过快（平均每题用时不足3秒），是否本人认真作答有待所在单位核实。" in text


def test_durations_read_as_minutes_and_seconds() -> None:
    duration = templates.env.filters["duration"]
    assert [duration(v) for v in (None, 0, 12, 60, 95)] == ["—", "0 秒", "12 秒", "1 分钟", "1 分 35 秒"]


def test_the_fast_count_reads_only_its_partial_index_on_sqlite(session: Session, world: World) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        pytest.skip("SQLite's planner, without statistics, is the one that needs the hint of the index")
    issued: list[tuple[str, object]] = []

    def capture(_conn: Connection, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "flagged_fast" in statement and statement.lstrip().upper().startswith("SELECT"):
            issued.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        service.fast_counts(session, world.campaign, None)
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    assert len(issued) == 1
    statement, parameters = issued[0]
    plan = " ".join(row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
    assert "USING COVERING INDEX ix_attempt_fast" in plan, plan


def test_a_real_submission_in_seconds_is_flagged_and_listed(client: TestClient, session: Session,
                                                           make_campaign: MakeCampaign, employee: Person,  # noqa: F811
                                                           county: Unit) -> None:  # noqa: F811
    campaign = make_campaign()
    assert identify(client, campaign, unit_id=county.id, name=employee.name, code="1001").status_code == 303
    token = token_of(start(client, campaign))
    assert submit(client, token).status_code == 303  # eight questions, handed in at once
    factories.admin(session, "organiser")
    session.flush()
    sign_in(client, "organiser")
    listed = client.get(f"/admin/reports/{campaign.id}/people?show=fast")
    assert [r.name for r in listed.context["rows"]] == [employee.name]  # type: ignore[attr-defined]
    assert "提交过快" in listed.text

"""Online study: reading time required before the quiz, heartbeats, and visits recorded with the person's unit."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.core.timeutil import utc_now
from app.quiz.models import Attempt, StudySession
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import identify
from tests.support import factories
from tests.support.web import csrf_from


def test_a_visit_records_the_unit_the_person_is_in_at_the_time(client: TestClient, session: Session,
                                                               make_campaign: MakeCampaign, employee: Person,
                                                               county: Unit) -> None:
    campaign = make_campaign()
    identify(client, campaign, unit_id=county.id, name=employee.name, code="1001")
    assert client.get(f"/c/{campaign.slug}/study").status_code == 200
    elsewhere = factories.unit(session, f"{county.full_name}/新单位")
    employee.unit_id = elsewhere.id
    session.flush()
    assert client.get(f"/c/{campaign.slug}/study").status_code == 200
    visits = session.scalars(select(StudySession).order_by(StudySession.id)).all()
    assert [v.unit_id for v in visits] == [county.id, elsewhere.id]


def test_study_time_is_required_before_the_quiz(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                                employee: Person, county: Unit) -> None:
    campaign = make_campaign(study_seconds_required=300)
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    study = client.get(f"/c/{campaign.slug}/study")
    assert study.template.name == "quiz/study.html"  # type: ignore[attr-defined]
    assert [s.heading for s in study.context["document"].sections] == ["一、回顾", "二、今年"]  # type: ignore[attr-defined]
    visit = session.get_one(StudySession, study.context["visit_id"])  # type: ignore[attr-defined]
    refused = client.post(f"/c/{campaign.slug}/start", data={"csrf_token": csrf_from(study), "visit": visit.id})
    assert refused.status_code == 409
    assert "还需要学习约 5 分钟" in refused.text
    assert session.scalar(select(Attempt.id)) is None

    # Without JavaScript: ten minutes between opening the page and pressing “start” count as reading.
    visit.last_seen_at = utc_now() - timedelta(minutes=10)
    session.flush()
    started = client.post(f"/c/{campaign.slug}/start", data={"csrf_token": csrf_from(study), "visit": visit.id},
                          follow_redirects=False)
    assert started.status_code == 303
    assert "/q/1" in started.headers["location"]


def test_heartbeat_credits_reading_time_but_not_a_sleeping_phone(client: TestClient, session: Session,
                                                                 make_campaign: MakeCampaign, employee: Person,
                                                                 county: Unit) -> None:
    campaign = make_campaign(study_seconds_required=600)
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    study = client.get(f"/c/{campaign.slug}/study")
    visit = session.get_one(StudySession, study.context["visit_id"])  # type: ignore[attr-defined]
    visit.last_seen_at = utc_now() - timedelta(seconds=30)
    session.flush()
    url = f"/api/c/{campaign.slug}/study/{visit.id}"
    beat = client.post(url, headers={"X-CSRF-Token": csrf_from(study)})
    assert beat.status_code == 200
    assert 29 <= beat.json()["seconds"] <= 31
    visit.last_seen_at = utc_now() - timedelta(hours=3)
    session.flush()
    beat = client.post(url, headers={"X-CSRF-Token": csrf_from(study)})
    assert beat.json()["seconds"] <= 31 + 90
    assert beat.json()["required_left"] >= 600 - 121


def test_someone_elses_study_visit_is_refused(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                              employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    other = factories.person(session, county, name="李四")
    theirs = StudySession(campaign_id=campaign.id, person_id=other.id, unit_id=other.unit_id)
    session.add(theirs)
    session.flush()
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    page = client.get(f"/c/{campaign.slug}/study")
    response = client.post(f"/api/c/{campaign.slug}/study/{theirs.id}", headers={"X-CSRF-Token": csrf_from(page)})
    assert response.status_code == 404

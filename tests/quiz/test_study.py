"""Study visits: each records the person's unit at the time, which reports count who studied by."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.quiz.models import StudySession
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import identify
from tests.support import factories


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

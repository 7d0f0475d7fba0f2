"""Study visits: each records the person's unit at the time, which reports count who studied by."""

from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.quiz import study
from tests.quiz.conftest import MakeCampaign
from tests.support import factories


def test_a_visit_records_the_unit_the_person_is_in_at_the_time(session: Session, make_campaign: MakeCampaign,
                                                               employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    first = study.begin_study(session, campaign=campaign, person_id=employee.id)
    assert first.unit_id == employee.unit_id
    elsewhere = factories.unit(session, f"{county.full_name}/新单位")
    employee.unit_id = elsewhere.id
    session.flush()
    second = study.begin_study(session, campaign=campaign, person_id=employee.id)
    session.refresh(first)
    assert (first.unit_id, second.unit_id) == (county.id, elsewhere.id)

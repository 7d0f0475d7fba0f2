"""A published campaign and a roster in a real database file, shared by the hardening tests and fault runs."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.banks import service as banks_service
from app.quiz import campaigns as campaign_service
from tests.quiz.conftest import REPORT_TEXT, quiz_bank_file

DRAW_RULE = {"single_choice": 3, "multiple_choice": 2, "true_false": 2, "fill_blank": 1}


@dataclass(frozen=True)
class Employee:
    """What a person types to identify: their unit id, name and phone tail."""

    unit_id: int
    name: str
    code: str


@dataclass(frozen=True)
class Seeded:
    slug: str
    campaign_id: int
    unit_id: int
    employees: list[Employee]


def seed_campaign(session: Session, *, people: int, time_limit_seconds: int | None = 1800,
                  max_attempts: int = 1) -> Seeded:
    """A roster of `people` in one unit and a published campaign over the quiz bank (no study required)."""
    unit = accounts_service.ensure_unit_path(session, "示范县/城关镇/党政办")
    employees = []
    for i in range(people):
        phone = f"138{i:08d}"
        name = f"员工{i:05d}"
        accounts_service.add_person(session, unit=unit, name=name, phone=phone)
        employees.append(Employee(unit_id=unit.id, name=name, code=phone[-4:]))
    report = banks_service.create_report(session, title="测验报告", text=REPORT_TEXT)
    bank = banks_service.import_bank(session, bank_file=quiz_bank_file(), report=report)
    campaign = campaign_service.create_campaign(
        session, bank=bank, title="测一测：加固测试", draw_rule=dict(DRAW_RULE), max_attempts=max_attempts,
        time_limit_seconds=time_limit_seconds, study_seconds_required=0)
    campaign_service.publish_campaign(session, campaign)
    session.flush()
    return Seeded(slug=campaign.slug, campaign_id=campaign.id, unit_id=unit.id, employees=employees)

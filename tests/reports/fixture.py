"""A hand-computed campaign: every figure the reports show is written out below, worked by hand.

示范县 (root of the campaign)
├── 甲乡        A1 90 · A2 50 then 70 · A3 60 on paper
│   └── 办公室  B1 100 · B2 100 but deactivated · B3 never took part
├── 乙局        C1 80 then 80 (tie: the earlier counts) · C2 80 · C3 95 then 40 · C4 studied only ·
│               C5 deactivated, never took part
├── 丙校        nobody on the roster
└── 丁所        D1, D2 never took part
Studied: A1, B1, C4 (and B2, who is deactivated).
"""

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Person, Unit
from app.core.timeutil import utc_now
from app.quiz import campaigns as campaign_service
from app.quiz import live, scoring
from app.quiz.models import (
    Answer,
    Attempt,
    AttemptSource,
    AttemptStatus,
    Campaign,
    ScorePolicy,
    StudySession,
)
from tests.support import factories

ROOT = "示范县"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class World:
    campaign: Campaign
    units: dict[str, Unit]
    people: dict[str, Person]


def submit(session: Session, campaign: Campaign, person: Person, score: float, when: datetime, *,
           source: AttemptSource = AttemptSource.ONLINE, unit: Unit | None = None,
           responses: dict[int, object] | None = None, rng: random.Random | None = None) -> Attempt:
    """A submitted attempt as the quiz side stores it; graded from responses when they are given."""
    snapshot = scoring.draw_snapshot(session, campaign, rng or random.Random(person.id))
    fractions: list[float] = []
    if responses is not None:
        fractions, score, _ = scoring.grade_responses(snapshot, responses, partial_credit=campaign.partial_credit)
    number = 1 + session.query(Attempt).filter_by(campaign_id=campaign.id, person_id=person.id).count()
    attempt = Attempt(token=secrets.token_hex(16), campaign_id=campaign.id, person_id=person.id,
                      unit_id=unit.id if unit else person.unit_id, number=number,
                      status=AttemptStatus.SUBMITTED, source=source, snapshot=snapshot, started_at=when,
                      submitted_at=when, duration_seconds=300, score=score, max_score=campaign.points_total,
                      passed=score >= campaign.pass_mark)
    session.add(attempt)
    session.flush()
    if responses is not None:
        for item, fraction in zip(snapshot, fractions, strict=True):
            session.add(Answer(attempt_id=attempt.id, position=item["position"], question_uid=item["uid"],
                               response=responses.get(item["position"]), fraction=fraction))
        session.flush()
    live.recompute_counted(session, campaign=campaign, person_id=person.id)
    return attempt


def campaign(session: Session, *, policy: ScorePolicy = ScorePolicy.BEST, root: Unit | None = None,
             rule: dict[str, int] | None = None, per_kind: int = 6) -> Campaign:
    bank = factories.bank(session, per_kind=per_kind)
    made = campaign_service.create_campaign(
        session, bank=bank, title="测一测：政府工作报告知多少", root_unit=root, max_attempts=3, score_policy=policy,
        draw_rule=rule or {"single_choice": 2, "multiple_choice": 1, "true_false": 1, "fill_blank": 1},
        opens_at=utc_now(),
    )
    campaign_service.publish_campaign(session, made)
    return made


def build(session: Session, policy: ScorePolicy = ScorePolicy.BEST) -> World:
    units = {name: accounts_service.ensure_unit_path(session, f"{ROOT}/{name}" if name != ROOT else ROOT)
             for name in (ROOT, "甲乡", "甲乡/办公室", "乙局", "丙校", "丁所")}
    c = campaign(session, policy=policy, root=units[ROOT])
    people: dict[str, Person] = {}
    for unit_name, names in {"甲乡": "A1 A2 A3", "甲乡/办公室": "B1 B2 B3", "乙局": "C1 C2 C3 C4 C5",
                             "丁所": "D1 D2"}.items():
        for name in names.split():
            people[name] = factories.person(session, units[unit_name], name=name)
    s = session
    submit(s, c, people["A1"], 90, at("2026-03-01T15:30"))
    submit(s, c, people["A2"], 50, at("2026-03-01T16:30"))
    submit(s, c, people["A2"], 70, at("2026-03-03T02:00"))
    submit(s, c, people["A3"], 60, at("2026-03-04T01:00"), source=AttemptSource.PAPER)
    submit(s, c, people["B1"], 100, at("2026-03-02T03:00"))
    submit(s, c, people["B2"], 100, at("2026-03-02T04:00"))
    submit(s, c, people["C1"], 80, at("2026-03-02T05:00"))
    submit(s, c, people["C1"], 80, at("2026-03-03T05:00"))
    submit(s, c, people["C2"], 80, at("2026-03-03T06:00"))
    submit(s, c, people["C3"], 95, at("2026-03-01T01:00"))
    submit(s, c, people["C3"], 40, at("2026-03-04T01:00"))
    for name in ("A1", "B1", "C4", "B2"):
        s.add(StudySession(campaign_id=c.id, person_id=people[name].id, unit_id=people[name].unit_id, seconds=120))
    s.add(StudySession(campaign_id=c.id, person_id=people["A1"].id, unit_id=people["A1"].unit_id,
                       seconds=60))  # a second visit
    for name in ("B2", "C5"):
        people[name].active = False
        people[name].deactivated_at = utc_now()
    s.flush()
    return World(campaign=c, units=units, people=people)


def set_policy(session: Session, world: World, policy: ScorePolicy) -> None:
    """Switch the score policy and let the quiz core re-mark the counted attempts."""
    world.campaign.score_policy = policy
    for person in world.people.values():
        live.recompute_counted(session, campaign=world.campaign, person_id=person.id)

"""The README demo: a real report, its generated bank, a campaign and a small made-up roster."""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts import service as accounts_service
from app.accounts.models import AdminUser, Person, Role, Unit
from app.banks import service as banks_service
from app.core.timeutil import utc_now
from app.quiz import campaigns as campaign_service
from app.quiz import live, scoring
from app.quiz.models import (
    Answer,
    Attempt,
    AttemptSource,
    AttemptStatus,
    Campaign,
    IdentityMode,
    ScorePolicy,
    StudySession,
)

DEMO_DIR = Path(__file__).resolve().parent
DEMO_REPORT = DEMO_DIR / "report_2022_national.txt"
DEMO_TITLE = "2022年国务院政府工作报告"
DEMO_CAMPAIGN = "测一测：2022年政府工作报告知多少"
DEMO_ADMIN = "admin"
DEMO_LIAISON = "liaison"
DEMO_PASSWORD = "ceyice-demo-2026"  # noqa: S105  (published in the README; refused in production)

# Made-up names and numbers; 138 0000 xxxx is not a real subscriber range used by anyone here.
DEMO_ROSTER: dict[str, list[tuple[str, str, str]]] = {
    "示范县/县政府办公室": [("张建国", "13800001001", "主任"), ("李秀英", "13800001002", "科员"),
                      ("王海燕", "13800001003", "科员"), ("刘志强", "13800001004", "副主任")],
    "示范县/县财政局": [("陈晓明", "13800002001", "局长"), ("杨丽华", "13800002002", "会计"),
                  ("赵国庆", "13800002003", "科员")],
    "示范县/城关镇/党政办": [("黄文斌", "13800003001", "主任"), ("周小红", "13800003002", "干事"),
                     ("吴德福", "13800003003", "干事")],
    "示范县/城关镇/社会事务办": [("徐春梅", "13800004001", "主任"), ("孙志刚", "13800004002", "干事")],
    "示范县/青山乡": [("马金山", "13800005001", "乡长"), ("朱桂兰", "13800005002", "干事"),
                 ("胡永福", "13800005003", "干事"), ("郭玉珍", "13800005004", "干事")],
    "示范县/县第一中学": [("何雪梅", "13800006001", "教师"), ("林伟", "13800006002", "教师")],
}


@dataclass(frozen=True)
class DemoInfo:
    """What the README tells a new user after the demo is loaded."""

    campaign_slug: str
    admin_username: str
    admin_password: str
    liaison_username: str
    sample_name: str
    sample_unit: str
    sample_phone_tail: str
    created: bool


def load_demo(session: Session) -> DemoInfo:
    """Load the demo once; running it again only reports what is there."""
    existing = session.scalar(select(Campaign).where(Campaign.title == DEMO_CAMPAIGN))
    sample_unit, people = next(iter(DEMO_ROSTER.items()))
    sample_name, sample_phone, _ = people[0]
    if existing is not None:
        return DemoInfo(existing.slug, DEMO_ADMIN, DEMO_PASSWORD, DEMO_LIAISON, sample_name, sample_unit,
                        sample_phone[-4:], created=False)

    for path, members in DEMO_ROSTER.items():
        unit = accounts_service.ensure_unit_path(session, path)
        for name, phone, title in members:
            known = session.scalar(select(Person.id).where(Person.unit_id == unit.id, Person.name == name))
            if known is None:
                accounts_service.add_person(session, unit=unit, name=name, phone=phone, title=title)

    admin = _ensure_user(session, DEMO_ADMIN, Role.ADMIN, None, "演示组织者")
    county_town = accounts_service.ensure_unit_path(session, "示范县/城关镇")
    _ensure_user(session, DEMO_LIAISON, Role.LIAISON, county_town, "城关镇联络员")

    raw = DEMO_REPORT.read_text(encoding="utf-8")
    text = qlib.normalise_text(raw)
    report = banks_service.create_report(session, title=DEMO_TITLE, text=text, filename=DEMO_REPORT.name,
                                         uploaded_by=admin)
    result = qlib.generate(text, title=DEMO_TITLE, seed=0)
    bank = banks_service.import_bank(session, bank_file=result.bank, report=report)
    available = campaign_service.available_by_kind(session, bank)
    wanted = {"single_choice": 10, "multiple_choice": 5, "true_false": 5, "fill_blank": 0}
    rule = {kind: min(n, available[kind]) for kind, n in wanted.items()}
    now = utc_now()
    campaign = campaign_service.create_campaign(
        session,
        bank=bank,
        title=DEMO_CAMPAIGN,
        intro="请先学习报告原文，再完成 20 道题。每人可答 2 次，取最高分。",
        draw_rule=rule,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        time_limit_seconds=20 * 60,
        max_attempts=2,
        score_policy=ScorePolicy.BEST,
        identity_mode=IdentityMode.ROSTER,
        created_by=admin,
    )
    campaign_service.publish_campaign(session, campaign)
    seed_demo_attempts(session, campaign, recorded_by=admin, skip=frozenset({sample_name}))
    accounts_service.audit(session, actor=admin, action="demo_loaded", target_type="campaign", target_id=campaign.id)
    return DemoInfo(campaign.slug, DEMO_ADMIN, DEMO_PASSWORD, DEMO_LIAISON, sample_name, sample_unit,
                    sample_phone[-4:], created=True)


def _ensure_user(session: Session, username: str, role: Role, unit: Unit | None, display_name: str) -> AdminUser:
    user = session.scalar(select(AdminUser).where(AdminUser.username == username))
    if user is None:
        user = accounts_service.create_admin_user(
            session, username=username, password=DEMO_PASSWORD, role=role, unit=unit, display_name=display_name
        )
    return user


def seed_demo_attempts(session: Session, campaign: Campaign, *, recorded_by: AdminUser,
                       skip: frozenset[str] = frozenset(), share: float = 0.7) -> int:
    """Realistic answers from about 70% of the roster over the last five days, two on paper, so the
    dashboard is not empty; graded by the attempt core. Does nothing once the campaign has attempts."""
    if session.scalar(select(Attempt.id).where(Attempt.campaign_id == campaign.id).limit(1)) is not None:
        return 0
    rng = random.Random(2022)  # noqa: S311  (made-up demo data, reproducible)
    people = [p for p in session.scalars(select(Person).where(Person.active).order_by(Person.id))
              if p.name not in skip]
    takers = rng.sample(people, round(len(people) * share))
    now = utc_now()
    for index, person in enumerate(takers):
        skill = rng.uniform(0.55, 0.98)
        for _try in range(1 if rng.random() < 0.75 else 2):
            snapshot = scoring.draw_snapshot(session, campaign, rng)
            responses = {item["position"]: _demo_response(item, rng.random() < skill, rng) for item in snapshot}
            fractions, score, maximum = scoring.grade_responses(snapshot, responses,
                                                                partial_credit=campaign.partial_credit)
            submitted = now - timedelta(days=rng.randrange(5), hours=rng.randrange(1, 10), minutes=rng.randrange(60))
            paper = index < 2
            attempt = Attempt(
                token=secrets.token_hex(16), campaign_id=campaign.id, person_id=person.id, unit_id=person.unit_id,
                number=1 + _try, status=AttemptStatus.SUBMITTED,
                source=AttemptSource.PAPER if paper else AttemptSource.ONLINE, snapshot=snapshot,
                started_at=submitted - timedelta(minutes=8), submitted_at=submitted, duration_seconds=480,
                score=score, max_score=maximum, passed=score >= campaign.pass_mark,
                recorded_by_id=recorded_by.id if paper else None,
            )
            session.add(attempt)
            session.flush()
            for item, fraction in zip(snapshot, fractions, strict=True):
                session.add(Answer(attempt_id=attempt.id, position=item["position"], question_uid=item["uid"],
                                   response=responses[item["position"]], fraction=fraction))
            if paper:
                break
        session.add(StudySession(campaign_id=campaign.id, person_id=person.id, unit_id=person.unit_id,
                                 seconds=rng.randrange(300, 1500)))
        session.flush()
        live.recompute_counted(session, campaign=campaign, person_id=person.id)
    return len(takers)


def _demo_response(item: dict[str, Any], right: bool, rng: random.Random) -> object:
    key = item["answer"]
    if item["kind"] == "true_false":
        return key if right else not key
    if item["kind"] == "fill_blank":
        return key[0] if right else "不知道"
    if item["kind"] == "multiple_choice":
        return key if right else sorted(rng.sample(range(len(item["options"])), 2))
    wrong = [i for i in range(len(item["options"])) if i != key]
    return key if right else rng.choice(wrong)

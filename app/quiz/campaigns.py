"""Campaigns: creating, checking and publishing a 测一测 activity."""

import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import AdminUser, Unit
from app.banks.models import Bank, Question, QuestionStatus
from app.core.timeutil import utc_now
from app.quiz.exceptions import CampaignInvalid, CampaignNotFound
from app.quiz.models import Campaign, CampaignStatus, IdentityMode, ScorePolicy, ShowAnswers

KINDS = ("single_choice", "multiple_choice", "true_false", "fill_blank")
_SLUG_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_slug() -> str:
    """A short, unguessable, unambiguous campaign link code."""
    return "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(8))


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    """The campaign with this id."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound()
    return campaign


def find_campaign_by_slug(session: Session, slug: str) -> Campaign | None:
    """The campaign behind a public link, if any."""
    return session.scalar(select(Campaign).where(Campaign.slug == slug))


def available_by_kind(session: Session, bank: Bank) -> dict[str, int]:
    """How many active questions of each kind the bank holds."""
    rows = session.execute(
        select(Question.kind, func.count())
        .where(Question.bank_id == bank.id, Question.status == QuestionStatus.ACTIVE)
        .group_by(Question.kind)
    )
    counts = dict.fromkeys(KINDS, 0)
    counts.update({kind: int(n) for kind, n in rows})
    return counts


def check_draw_rule(session: Session, bank: Bank, draw_rule: dict[str, int]) -> dict[str, int]:
    """A clean draw rule, refused when the bank cannot supply it."""
    rule = {kind: int(draw_rule.get(kind, 0) or 0) for kind in KINDS}
    if any(n < 0 for n in rule.values()) or sum(rule.values()) == 0:
        raise CampaignInvalid("每次答题至少要抽 1 道题，题数不能为负。")
    available = available_by_kind(session, bank)
    short = [f"{label}需要 {rule[k]} 道、题库只有 {available[k]} 道"
             for k, label in zip(KINDS, ("单选题", "多选题", "判断题", "填空题"), strict=True)
             if rule[k] > available[k]]
    if short:
        raise CampaignInvalid("题库题目不够：" + "；".join(short) + "。请减少抽题数量或补充题目。")
    return rule


def create_campaign(
    session: Session,
    *,
    bank: Bank,
    title: str,
    draw_rule: dict[str, int],
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    root_unit: Unit | None = None,
    points_total: int = 100,
    pass_mark: int = 60,
    time_limit_seconds: int | None = None,
    max_attempts: int = 1,
    score_policy: ScorePolicy = ScorePolicy.BEST,
    identity_mode: IdentityMode = IdentityMode.ROSTER,
    partial_credit: bool = False,
    study_seconds_required: int = 0,
    show_answers: ShowAnswers = ShowAnswers.AFTER_SUBMIT,
    intro: str = "",
    created_by: AdminUser | None = None,
) -> Campaign:
    """A new draft campaign over a bank."""
    if not title.strip():
        raise CampaignInvalid("请填写活动名称。")
    if opens_at and closes_at and closes_at <= opens_at:
        raise CampaignInvalid("截止时间必须晚于开始时间。")
    if not 0 < pass_mark <= points_total:
        raise CampaignInvalid("及格分必须大于 0 且不超过总分。")
    if max_attempts < 1:
        raise CampaignInvalid("每人至少可以答 1 次。")
    campaign = Campaign(
        slug=new_slug(),
        title=title.strip(),
        intro=intro,
        bank_id=bank.id,
        root_unit_id=root_unit.id if root_unit else None,
        opens_at=opens_at,
        closes_at=closes_at,
        draw_rule=check_draw_rule(session, bank, draw_rule),
        points_total=points_total,
        pass_mark=pass_mark,
        time_limit_seconds=time_limit_seconds,
        max_attempts=max_attempts,
        score_policy=score_policy,
        identity_mode=identity_mode,
        partial_credit=partial_credit,
        study_seconds_required=study_seconds_required,
        show_answers=show_answers,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(campaign)
    session.flush()
    return campaign


def publish_campaign(session: Session, campaign: Campaign) -> Campaign:
    """Open a draft campaign to employees."""
    bank = session.get_one(Bank, campaign.bank_id)
    campaign.draw_rule = check_draw_rule(session, bank, campaign.draw_rule)
    campaign.status = CampaignStatus.PUBLISHED
    campaign.published_at = utc_now()
    session.flush()
    return campaign

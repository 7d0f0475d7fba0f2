"""Campaigns: creating, checking and publishing a 测一测 activity."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import AdminUser, Unit
from app.banks.models import Bank, Question, QuestionStatus
from app.core.timeutil import as_utc, utc_now
from app.quiz.exceptions import CampaignInvalid, CampaignNotFound
from app.quiz.models import Attempt, AttemptStatus, Campaign, CampaignStatus, IdentityMode, ScorePolicy, ShowAnswers

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
    _check_settings(title=title, opens_at=opens_at, closes_at=closes_at, points_total=points_total,
                    pass_mark=pass_mark, max_attempts=max_attempts, time_limit_seconds=time_limit_seconds,
                    study_seconds_required=study_seconds_required)
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


def _check_settings(*, title: str, opens_at: datetime | None, closes_at: datetime | None, points_total: int,
                    pass_mark: int, max_attempts: int, time_limit_seconds: int | None,
                    study_seconds_required: int) -> None:
    problems = []
    if not title.strip():
        problems.append("请填写活动名称。")
    if opens_at and closes_at and closes_at <= opens_at:
        problems.append("截止时间必须晚于开始时间。")
    if points_total < 1:
        problems.append("总分至少为 1 分。")
    if not 0 < pass_mark <= points_total:
        problems.append("及格分必须大于 0 且不超过总分。")
    if max_attempts < 1:
        problems.append("每人至少可以答 1 次。")
    if time_limit_seconds is not None and time_limit_seconds < 60:
        problems.append("答题时限至少 1 分钟（不限时请留空）。")
    if study_seconds_required < 0:
        problems.append("学习时长不能为负。")
    if problems:
        raise CampaignInvalid("".join(problems))


# Settings an organiser may change; the bank is fixed once a campaign exists.
EDITABLE = ("title", "intro", "opens_at", "closes_at", "draw_rule", "points_total", "pass_mark",
            "time_limit_seconds", "max_attempts", "score_policy", "identity_mode", "partial_credit",
            "study_seconds_required", "show_answers", "root_unit_id")


def update_campaign(session: Session, campaign: Campaign, **changes: Any) -> list[str]:
    """Change a campaign's settings; return the names that changed.

    Attempts already made keep their snapshot, score and pass mark. A new score policy only picks
    which of each person's submitted attempts counts, so it is re-applied to everyone affected.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    merged = {name: changes.get(name, getattr(campaign, name)) for name in EDITABLE}
    _check_settings(title=merged["title"], opens_at=merged["opens_at"], closes_at=merged["closes_at"],
                    points_total=merged["points_total"], pass_mark=merged["pass_mark"],
                    max_attempts=merged["max_attempts"], time_limit_seconds=merged["time_limit_seconds"],
                    study_seconds_required=merged["study_seconds_required"])
    if "draw_rule" in changes:
        bank = session.get_one(Bank, campaign.bank_id)
        merged["draw_rule"] = check_draw_rule(session, bank, changes["draw_rule"])
    merged["title"] = merged["title"].strip()
    changed = [name for name in EDITABLE if merged[name] != getattr(campaign, name)]
    policy_changed = "score_policy" in changed
    for name in changed:
        setattr(campaign, name, merged[name])
    session.flush()
    if policy_changed:
        recount(session, campaign)
    return changed


def recount(session: Session, campaign: Campaign) -> int:
    """Re-choose the counted attempt of everyone who submitted one; return how many people."""
    # Imported here: scoring builds on this module (KINDS), so a top-level import would be circular.
    from app.quiz.live import recompute_counted

    people = list(session.scalars(
        select(Attempt.person_id).where(Attempt.campaign_id == campaign.id,
                                        Attempt.status == AttemptStatus.SUBMITTED).distinct()))
    for person_id in people:
        recompute_counted(session, campaign=campaign, person_id=person_id)
    return len(people)


def close_campaign(session: Session, campaign: Campaign) -> Campaign:
    """End a published campaign: no new attempts; results stay."""
    if campaign.status != CampaignStatus.PUBLISHED:
        raise CampaignInvalid("只有进行中的活动可以结束。")
    campaign.status = CampaignStatus.CLOSED
    session.flush()
    return campaign


def reopen_campaign(session: Session, campaign: Campaign) -> Campaign:
    """Open a closed campaign again (for example after extending its closing time)."""
    if campaign.status != CampaignStatus.CLOSED:
        raise CampaignInvalid("只有已结束的活动可以重新开放。")
    if campaign.closes_at is not None and as_utc(campaign.closes_at) <= utc_now():
        raise CampaignInvalid("截止时间已过，请先把截止时间改到将来，再重新开放。")
    campaign.status = CampaignStatus.PUBLISHED
    session.flush()
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())))


def attempt_counts(session: Session) -> dict[int, int]:
    """Submitted attempts per campaign id."""
    rows = session.execute(select(Attempt.campaign_id, func.count())
                           .where(Attempt.status == AttemptStatus.SUBMITTED).group_by(Attempt.campaign_id))
    return {campaign_id: int(n) for campaign_id, n in rows}

"""Campaigns; attempts with their snapshot, answers and study time."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Person, Unit
from app.banks.models import Bank
from app.db.base import Base, utc_now


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


class ScorePolicy(StrEnum):
    BEST = "best"
    LAST = "last"
    FIRST = "first"


class IdentityMode(StrEnum):
    ROSTER = "roster"
    OPEN = "open"


class ShowAnswers(StrEnum):
    AFTER_SUBMIT = "after_submit"
    AFTER_CLOSE = "after_close"
    NEVER = "never"


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class AttemptSource(StrEnum):
    ONLINE = "online"
    PAPER = "paper"


class Campaign(Base):
    """A 测一测 activity: which bank, when, how questions are drawn and how attempts count."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint("slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="RESTRICT"), index=True)
    # The part of the unit tree taking part; None means every unit.
    root_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    status: Mapped[CampaignStatus] = mapped_column(String(16), default=CampaignStatus.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column()
    # {"single_choice": 10, "multiple_choice": 5, "true_false": 5, "fill_blank": 0}
    draw_rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    points_total: Mapped[int] = mapped_column(Integer, default=100)
    pass_mark: Mapped[int] = mapped_column(Integer, default=60)
    time_limit_seconds: Mapped[int | None] = mapped_column(Integer)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    score_policy: Mapped[ScorePolicy] = mapped_column(String(8), default=ScorePolicy.BEST)
    identity_mode: Mapped[IdentityMode] = mapped_column(String(8), default=IdentityMode.ROSTER)
    partial_credit: Mapped[bool] = mapped_column(Boolean, default=False)
    study_seconds_required: Mapped[int] = mapped_column(Integer, default=0)
    show_answers: Mapped[ShowAnswers] = mapped_column(String(16), default=ShowAnswers.AFTER_SUBMIT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    published_at: Mapped[datetime | None] = mapped_column()

    bank: Mapped[Bank] = relationship(lazy="raise")
    root_unit: Mapped[Unit | None] = relationship(lazy="raise")


class Attempt(Base):
    """One go at a campaign's quiz, with the questions exactly as shown and the unit at the time."""

    __tablename__ = "attempt"
    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id", "number"),
        # Unit summaries read only these columns: no scan of the answer table.
        Index("ix_attempt_campaign_id_counted_unit_id", "campaign_id", "counted", "unit_id", "score"),
        # A person's attempts; with submitted_at, each person's first submission without reading rows.
        Index("ix_attempt_campaign_id_person_id_submitted_at", "campaign_id", "person_id", "submitted_at"),
        Index("ix_attempt_campaign_id_submitted_at", "campaign_id", "submitted_at"),
        # The few counted results handed in too fast: reports count them per unit without visiting every row.
        # Equal on its first three columns, so SQLite (no ANALYZE statistics) prefers it to the one above.
        Index(
            "ix_attempt_fast",
            "campaign_id",
            "counted",
            "flagged_fast",
            "unit_id",
            "person_id",
            sqlite_where=text("counted = 1 AND flagged_fast = 1"),
            postgresql_where=text("counted AND flagged_fast"),
        ),
        # At most one attempt in progress and one counted result per person and campaign.
        Index(
            "uq_attempt_in_progress",
            "campaign_id",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index(
            "uq_attempt_counted",
            "campaign_id",
            "person_id",
            unique=True,
            sqlite_where=text("counted"),
            postgresql_where=text("counted"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unguessable handle used in URLs; ownership is still checked on every request.
    token: Mapped[str] = mapped_column(String(32), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[AttemptStatus] = mapped_column(String(16), default=AttemptStatus.IN_PROGRESS)
    source: Mapped[AttemptSource] = mapped_column(String(8), default=AttemptSource.ONLINE)
    # The drawn questions with shuffled options and their keys: what was shown, frozen.
    snapshot: Mapped[list[Any]] = mapped_column(default=list)
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    deadline_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float, default=100.0)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # The one attempt per person that the campaign's score policy counts.
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Submitted faster than a person can read the questions.
    flagged_fast: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    campaign: Mapped[Campaign] = relationship(lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")
    unit: Mapped[Unit] = relationship(lazy="raise")


class Answer(Base):
    """The response to one question of an attempt, saved as it is chosen, graded at submission."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_uid: Mapped[str] = mapped_column(String(64), index=True)
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    fraction: Mapped[float | None] = mapped_column(Float)
    saved_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class StudySession(Base):
    """Time a person spent reading the report for a campaign, one row per visit, in their unit at the time."""

    __tablename__ = "study_session"
    __table_args__ = (
        # A person's visits; with the unit, reports find deactivated people's visits from the index alone.
        Index("ix_study_session_campaign_id_person_id_unit_id", "campaign_id", "person_id", "unit_id"),
        # Who studied in each unit, counted from the index alone: reports never join study visits to people.
        Index("ix_study_session_campaign_id_unit_id_person_id", "campaign_id", "unit_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    # The person's unit when the visit began, like Attempt.unit_id.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(default=utc_now)
    seconds: Mapped[int] = mapped_column(Integer, default=0)

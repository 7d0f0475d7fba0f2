"""Uploaded reports, question banks and their questions."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utc_now


class QuestionStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class Report(Base):
    """An uploaded work report, kept as the normalised text the bank's evidence quotes."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255), default="")
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    chars: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Bank(Base):
    """A reviewed question bank (ceyice.bank/1), usually generated from a report."""

    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[dict[str, Any]] = mapped_column(default=dict)
    generator: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    report: Mapped[Report | None] = relationship(lazy="raise")


class Question(Base):
    """One question of a bank: kind and stem as columns, options/answer/evidence in the payload."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("bank_id", "uid"),
        Index("ix_question_bank_id_status_kind", "bank_id", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("bank.id", ondelete="CASCADE"))
    # The bank file's stable id ("q-…").
    uid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    stem: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(String(200), default="")
    # options, answer, evidence, explanation, difficulty, tags: exactly the bank file's fields.
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[QuestionStatus] = mapped_column(String(16), default=QuestionStatus.ACTIVE)
    position: Mapped[int] = mapped_column(Integer, default=0)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

"""Units (a tree), the roster of people, admin users, throttles, background jobs and the audit log."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base, utc_now


class Role(StrEnum):
    ADMIN = "admin"
    LIAISON = "liaison"


class Unit(Base):
    """A 单位 in the tree (county → township → office); `tree_path` makes subtree queries a prefix match."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("full_name"), UniqueConstraint("code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # "某县/某乡镇/党政办": what users type in roster files and see on pages.
    full_name: Mapped[str] = mapped_column(String(500))
    # "/1/5/9/": ids from the root, so "everything under unit 5" is tree_path LIKE '/1/5/%'.
    tree_path: Mapped[str] = mapped_column(String(500), index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    # Short public code for per-unit links (?u=code) and QR codes.
    code: Mapped[str] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], lazy="raise")


class Person(Base):
    """Someone on the roster (答题人); identified by name plus phone tail or 工号."""

    __tablename__ = "person"
    __table_args__ = (
        # The same name may occur twice in a unit, but not with the same phone/工号.
        UniqueConstraint("unit_id", "name", "identity_key"),
        Index("ix_person_unit_id_active", "unit_id", "active"),
        Index("ix_person_name_phone_last4", "name", "phone_last4"),
        # The few deactivated people, whose attempts reports take back out (PostgreSQL cannot skip-scan
        # the (unit_id, active) index to find them).
        Index("ix_person_id_inactive", "id", sqlite_where=text("active = 0"), postgresql_where=text("NOT active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_last4: Mapped[str | None] = mapped_column(String(4))
    employee_no: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(100))
    # Normalised phone, else 工号, else "" for self-declared people of open campaigns.
    identity_key: Mapped[str] = mapped_column(String(60), default="")
    self_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    unit: Mapped[Unit] = relationship(lazy="raise")


class AdminUser(Base):
    """An organiser (admin) or a unit's liaison, who sees only that unit's subtree."""

    __tablename__ = "admin_user"
    __table_args__ = (
        UniqueConstraint("username"),
        CheckConstraint("role = 'admin' OR unit_id IS NOT NULL", name="liaison_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    display_name: Mapped[str] = mapped_column(String(50), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(16), default=Role.ADMIN)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change and logout-everywhere: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    unit: Mapped[Unit | None] = relationship(lazy="raise")


class Throttle(Base):
    """A failure counter per key (login name, client address): shared by every app process."""

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utc_now)
    locked_until: Mapped[datetime | None] = mapped_column()


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """Long work (generation, imports, exports) with progress a page can poll."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[JobStatus] = mapped_column(String(16), default=JobStatus.PENDING)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column()


class AuditLog(Base):
    """Who did what, when: imports, publishes, edits, logins."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[str] = mapped_column(String(60), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")

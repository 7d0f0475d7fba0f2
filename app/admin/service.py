"""Admin-only orchestration: accounts of liaisons, the audit log, roster counts and QR codes."""

import io
from dataclasses import dataclass

import segno
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import AdminUser, AuditLog, Person, Role, Unit
from app.core.exceptions import Conflict

ACTION_LABELS = {
    "login": "登录", "login_failed": "登录失败", "password_changed": "修改密码", "demo_loaded": "载入演示数据",
    "report_uploaded": "上传报告", "bank_generated": "生成题库", "bank_imported": "导入题库",
    "bank_renamed": "修改题库名称", "bank_exported": "导出题库",
    "question_edited": "修改题目", "question_added": "添加题目", "question_retired": "停用题目",
    "question_restored": "恢复题目", "campaign_created": "创建活动", "campaign_edited": "修改活动",
    "campaign_published": "发布活动", "campaign_closed": "结束活动", "campaign_reopened": "重新开放活动",
    "roster_imported": "导入名单", "person_deactivated": "停用人员", "person_reactivated": "恢复人员",
    "account_created": "创建账号", "account_deactivated": "停用账号", "account_reactivated": "启用账号",
    "password_reset": "重置密码",
}


class LastOrganiser(Conflict):
    message = "不能停用自己的账号，也不能停用最后一个组织者账号。"


def list_admin_users(session: Session, *, unit: Unit | None = None) -> list[AdminUser]:
    """Accounts, organisers first; only one unit's liaisons when a unit is given."""
    query = select(AdminUser).order_by(AdminUser.role, AdminUser.username)
    if unit is not None:
        query = query.where(AdminUser.unit_id == unit.id)
    return list(session.scalars(query))


def set_admin_active(session: Session, *, user: AdminUser, active: bool, by: AdminUser) -> None:
    """Switch an account off (its sessions end at once) or back on."""
    if not active:
        organisers = session.scalar(select(func.count()).select_from(AdminUser)
                                    .where(AdminUser.role == Role.ADMIN, AdminUser.active)) or 0
        if user.id == by.id or (user.role == Role.ADMIN and organisers <= 1):
            raise LastOrganiser()
        user.session_version += 1
    user.active = active
    session.flush()


def reset_password(session: Session, *, user: AdminUser, password: str) -> None:
    """Give an account a new password chosen by an organiser; its sessions end."""
    accounts_service.set_password(session, user=user, password=password)


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditLog]
    page: int
    pages: int
    total: int


def audit_page(session: Session, *, page: int = 1, per_page: int = 50, action: str = "") -> AuditPage:
    """One page of the audit log, newest first."""
    query = select(AuditLog)
    count = select(func.count()).select_from(AuditLog)
    if action:
        query, count = query.where(AuditLog.action == action), count.where(AuditLog.action == action)
    total = int(session.scalar(count) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    entries = list(session.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc())
                                   .offset((page - 1) * per_page).limit(per_page)))
    return AuditPage(entries, page, pages, total)


def people_counts(session: Session, units: list[Unit]) -> dict[int, tuple[int, int]]:
    """(active, deactivated) roster entries per unit id, self-declared people left out."""
    ids = [u.id for u in units]
    if not ids:
        return {}
    rows = session.execute(
        select(Person.unit_id, func.sum(case((Person.active, 1), else_=0)),
               func.sum(case((Person.active, 0), else_=1)))
        .where(Person.unit_id.in_(ids), Person.self_declared.is_(False)).group_by(Person.unit_id))
    return {unit_id: (int(a or 0), int(d or 0)) for unit_id, a, d in rows}


def people_of(session: Session, unit: Unit, *, include_inactive: bool = True) -> list[Person]:
    """A unit's roster (not its sub-units'), active people first."""
    query = select(Person).where(Person.unit_id == unit.id).order_by(Person.active.desc(), Person.name, Person.id)
    if not include_inactive:
        query = query.where(Person.active)
    return list(session.scalars(query))


def liaisons_by_unit(session: Session) -> dict[int, list[AdminUser]]:
    """Liaison accounts grouped by their unit id."""
    grouped: dict[int, list[AdminUser]] = {}
    for user in session.scalars(select(AdminUser).where(AdminUser.role == Role.LIAISON).order_by(AdminUser.username)):
        if user.unit_id is not None:
            grouped.setdefault(user.unit_id, []).append(user)
    return grouped


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """A QR code for a link as PNG, made locally."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str, *, scale: int = 6) -> bytes:
    """A QR code for a link as SVG (sharp when printed)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=scale, border=2, xmldecl=False,
                                                 title=url)
    return out.getvalue()

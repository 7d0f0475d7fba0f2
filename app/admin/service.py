"""Admin-only orchestration: accounts of liaisons, the audit log, roster counts, QR codes, and which
banks may still take more questions (a rule that spans banks and campaigns)."""

import io
from dataclasses import dataclass

import segno
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import AdminUser, AuditLog, Person, Role, Unit
from app.banks.models import Bank
from app.core.exceptions import Conflict
from app.quiz.models import Campaign, CampaignStatus

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

TARGET_LABELS = {"admin_user": "账号", "attempt": "答卷", "bank": "题库", "campaign": "活动", "job": "导入",
                 "person": "人员", "question": "题目", "report": "报告"}


class LastOrganiser(Conflict):
    message = "不能停用自己的账号，也不能停用最后一个组织者账号。"


class BankInUse(Conflict):
    message = "这个题库已用于发布过的活动，不能再追加题目，请导入为新题库。"


def banks_in_use(session: Session) -> dict[int, str]:
    """Banks that a published (or since closed) campaign draws from: bank id → that campaign's title."""
    rows = session.execute(select(Campaign.bank_id, Campaign.title).where(Campaign.status != CampaignStatus.DRAFT)
                           .order_by(Campaign.id))
    found: dict[int, str] = {}
    for bank_id, title in rows:
        found.setdefault(bank_id, title)
    return found


def bank_for_append(session: Session, bank: Bank) -> Bank:
    """The bank, if questions may still be added to it: no campaign using it was ever published."""
    # Locking the bank's campaigns makes a publish running at the same moment wait for this import
    # (PostgreSQL; SQLite runs one write at a time anyway), so the check cannot go stale before the commit.
    used = session.scalars(select(Campaign).where(Campaign.bank_id == bank.id).with_for_update()).all()
    published = [c for c in used if c.status != CampaignStatus.DRAFT]
    if published:
        state = "进行中" if published[0].status == CampaignStatus.PUBLISHED else "已结束"
        raise BankInUse(f"题库“{bank.title}”已用于活动“{published[0].title}”（{state}），不能再追加题目："
                        "已发布活动的出题范围不能再改变。请选择“新建一个题库”导入。")
    return bank


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

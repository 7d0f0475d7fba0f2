"""Accounts of organisers and liaisons, and the audit log of who did what."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.responses import Response

from app.accounts import service as accounts_service
from app.accounts.dependencies import AdminDep, client_ip
from app.accounts.exceptions import UnitNotFound
from app.accounts.models import AdminUser, Role, Unit
from app.admin import service
from app.admin.dependencies import flash
from app.core.exceptions import AppError
from app.core.templating import render
from app.db.session import SessionDep

router = APIRouter()


def _accounts_page(request: Request, session: SessionDep, user: AdminDep, *, error: str | None = None,
                   form: dict[str, str] | None = None) -> Response:
    units = {u.id: u for u in accounts_service.list_units(session)}
    return render(request, "admin/accounts.html", {
        "user": user, "nav": "accounts", "accounts": service.list_admin_users(session), "units": units,
        "error": error, "form": form or {},
    }, status_code=422 if error else 200)


@router.get("/accounts", name="admin:accounts")
def accounts_index(request: Request, session: SessionDep, user: AdminDep) -> Response:
    return _accounts_page(request, session, user)


@router.post("/accounts", name="admin:account_create")
def account_create(request: Request, session: SessionDep, user: AdminDep,
                   username: Annotated[str, Form()] = "", display_name: Annotated[str, Form()] = "",
                   password: Annotated[str, Form()] = "", unit_id: Annotated[str, Form()] = "",
                   back: Annotated[str, Form()] = "") -> Response:
    form = {"username": username, "display_name": display_name, "unit_id": unit_id}
    unit = session.get(Unit, int(unit_id)) if unit_id.isdigit() else None
    try:
        if unit is None:
            raise UnitNotFound("请选择联络员负责的单位。")
        account = accounts_service.create_admin_user(session, username=username, password=password,
                                                     role=Role.LIAISON, unit=unit, display_name=display_name)
    except AppError as exc:
        return _accounts_page(request, session, user, error=exc.message, form=form)
    accounts_service.audit(session, actor=user, action="account_created", target_type="admin_user",
                           target_id=account.id, detail={"username": account.username, "unit": unit.full_name},
                           ip=client_ip(request))
    flash(request, f"已为“{unit.full_name}”创建联络员账号 {account.username}，请把用户名和初始密码告诉对方。")
    if back == "unit":
        return RedirectResponse(request.url_for("admin:unit", unit_id=unit.id), status_code=303)
    return RedirectResponse(request.url_for("admin:accounts"), status_code=303)


@router.post("/accounts/{account_id}/active", name="admin:account_active")
def account_active(request: Request, account_id: int, session: SessionDep, user: AdminDep,
                   active: Annotated[str, Form()]) -> Response:
    account = accounts_service.get_admin_user(session, account_id)
    on = active == "1"
    service.set_admin_active(session, user=account, active=on, by=user)
    accounts_service.audit(session, actor=user, action="account_reactivated" if on else "account_deactivated",
                           target_type="admin_user", target_id=account.id, detail={"username": account.username},
                           ip=client_ip(request))
    flash(request, f"已启用账号 {account.username}。" if on else f"已停用账号 {account.username}，其登录已失效。")
    return RedirectResponse(request.url_for("admin:accounts"), status_code=303)


@router.post("/accounts/{account_id}/password", name="admin:account_password")
def account_password(request: Request, account_id: int, session: SessionDep, user: AdminDep,
                     password: Annotated[str, Form()] = "") -> Response:
    account = accounts_service.get_admin_user(session, account_id)
    try:
        service.reset_password(session, user=account, password=password)
    except AppError as exc:
        return _accounts_page(request, session, user, error=f"没有重置 {account.username} 的密码：{exc.message}")
    accounts_service.audit(session, actor=user, action="password_reset", target_type="admin_user",
                           target_id=account.id, detail={"username": account.username}, ip=client_ip(request))
    flash(request, f"已重置 {account.username} 的密码，请把新密码告诉对方。")
    return RedirectResponse(request.url_for("admin:accounts"), status_code=303)


@router.get("/audit", name="admin:audit")
def audit_log(request: Request, session: SessionDep, user: AdminDep, page: int = 1, action: str = "") -> Response:
    action = action if action in service.ACTION_LABELS else ""
    result = service.audit_page(session, page=page, action=action)
    actors = {u.id: u for u in session.scalars(select(AdminUser))}
    return render(request, "admin/audit.html", {
        "user": user, "nav": "audit", "result": result, "action": action, "labels": service.ACTION_LABELS,
        "actors": actors, "targets": service.TARGET_LABELS,
    })

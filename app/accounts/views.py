"""Login, logout and changing one's own password."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts import service
from app.accounts.dependencies import CurrentAdmin, MaybeAdmin, client_ip, sign_in, sign_out
from app.accounts.exceptions import LockedOut, WeakPassword
from app.accounts.schemas import LoginForm, PasswordForm
from app.core.security import verify_password
from app.core.templating import render
from app.core.timeutil import format_local
from app.db.session import SessionDep

router = APIRouter(prefix="/admin")


def _safe_next(target: str) -> str:
    # Only local paths: an attacker's "next=https://evil" must not turn login into a redirector.
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else ""


@router.get("/login", name="accounts:login")
def login_page(request: Request, user: MaybeAdmin, next: str = "") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next) or request.url_for("admin:home"), status_code=303)
    return render(request, "accounts/login.html", {"form": LoginForm(next=_safe_next(next)), "error": None})


@router.post("/login", name="accounts:login_submit")
def login_submit(request: Request, session: SessionDep, form: Annotated[LoginForm, Form()]) -> Response:
    keys = [f"login:user:{form.username.strip().lower()}", f"login:ip:{client_ip(request)}"]
    for key in keys:
        until = service.throttle_locked_until(session, key)
        if until is not None:
            message = f"{LockedOut.message}（解锁时间 {format_local(until, '%H:%M')}）"
            return render(request, "accounts/login.html", {"form": form, "error": message}, status_code=429)
    user = service.authenticate(session, username=form.username, password=form.password)
    if user is None:
        locked = [service.record_failure(session, key, service.LOGIN_POLICY) for key in keys]
        message = LockedOut.message if any(locked) else "用户名或密码不正确。"
        service.audit(session, actor=None, action="login_failed", detail={"username": form.username[:50]},
                      ip=client_ip(request))
        return render(request, "accounts/login.html", {"form": form, "error": message},
                      status_code=429 if any(locked) else 401)
    service.clear_throttle(session, keys[0])
    sign_in(request, user)
    service.audit(session, actor=user, action="login", ip=client_ip(request))
    return RedirectResponse(_safe_next(form.next) or request.url_for("admin:home"), status_code=303)


@router.post("/logout", name="accounts:logout")
def logout(request: Request, session: SessionDep, user: MaybeAdmin) -> Response:
    if user is not None:
        # Sessions are signed cookies held by the browser: only a new version makes a copied one worthless.
        service.end_sessions(session, user=user)
    sign_out(request)
    return RedirectResponse(request.url_for("accounts:login"), status_code=303)


@router.get("/password", name="accounts:password")
def password_page(request: Request, user: CurrentAdmin) -> Response:
    return render(request, "accounts/password.html", {"user": user, "error": None, "done": False})


@router.post("/password", name="accounts:password_submit")
def password_submit(
    request: Request, session: SessionDep, user: CurrentAdmin, form: Annotated[PasswordForm, Form()]
) -> Response:
    error = None
    if not verify_password(user.password_hash, form.current):
        error = "当前密码不正确。"
    elif form.new != form.repeat:
        error = "两次输入的新密码不一致。"
    else:
        try:
            service.set_password(session, user=user, password=form.new)
        except WeakPassword as exc:
            error = exc.message
    if error:
        return render(request, "accounts/password.html", {"user": user, "error": error, "done": False},
                      status_code=422)
    sign_in(request, user)
    service.audit(session, actor=user, action="password_changed", ip=client_ip(request))
    return render(request, "accounts/password.html", {"user": user, "error": None, "done": True})

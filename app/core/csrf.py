"""CSRF check applied to every unsafe request of the app, so no route can forget it."""

from fastapi import Request

from app.core.exceptions import Forbidden
from app.core.security import CSRF_FORM_FIELD, CSRF_HEADER, csrf_valid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(Forbidden):
    message = "页面已过期或来源不明（安全校验未通过），请返回上一页刷新后重新提交。"


async def verify_csrf(request: Request) -> None:
    """Refuse a POST whose token (form field or X-CSRF-Token header) does not match the session's."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FORM_FIELD)
            submitted = value if isinstance(value, str) else None
    if not csrf_valid(request.session, submitted):
        raise CsrfFailed()

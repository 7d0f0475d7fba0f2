"""The one Jinja environment: autoescaped templates, CSRF field, time and number filters."""

from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from app.core.config import PROJECT_ROOT
from app.core.security import CSRF_FORM_FIELD, csrf_token
from app.core.timeutil import format_local

templates = Jinja2Templates(directory=str(PROJECT_ROOT / "templates"))
templates.env.filters["local_time"] = format_local


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def _score(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if abs(value - round(value)) < 0.005 else f"{value:.1f}"


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(max(int(seconds), 0), 60)
    if not minutes:
        return f"{rest} 秒"
    return f"{minutes} 分 {rest} 秒" if rest else f"{minutes} 分钟"


templates.env.filters["percent"] = _percent
templates.env.filters["score"] = _score
templates.env.filters["duration"] = _duration


def _csrf_field(request: Request) -> Markup:
    token = csrf_token(request.session)
    # Both parts are ours (a fixed name and a URL-safe token), so no user text reaches the markup.
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FORM_FIELD, token)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render a page; every template can call csrf_field() and read the CSRF token."""
    ctx: dict[str, Any] = dict(context or {})
    ctx.setdefault("csrf_field", lambda: _csrf_field(request))
    ctx.setdefault("csrf_token", lambda: csrf_token(request.session))
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)

"""The one Jinja environment: autoescaped templates, CSRF field, time and number filters."""

from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.environment import TemplateModule
from jinja2.runtime import Context
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


@pass_context
def _path_for(context: Context, name: str, /, **params: Any) -> str:
    """A route's path (no scheme or host): what links on our own pages need, at a fraction of url_for's cost."""
    request: Request = context["request"]
    path: str = request.app.url_path_for(name, **params)
    root: str = request.scope.get("root_path", "")
    return root + path


@pass_context
def _static_url(context: Context, path: str) -> str:
    """The path of a static file, found once per process."""
    request: Request = context["request"]
    return _static_path(request.app, request.scope.get("root_path", ""), path)


@lru_cache(maxsize=256)
def _static_path(app: FastAPI, root_path: str, path: str) -> str:
    return root_path + app.url_path_for("static", path=path)


# The employee pages are rendered thousands of times a minute: url_for builds an absolute URL through
# several URL parses per call, seven times a page, which cost as much as the rest of the template.
templates.env.globals["path_for"] = _path_for
templates.env.globals["static_url"] = _static_url


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


def render_fragment(name: str, **context: Any) -> TemplateModule:
    """A piece of a page rendered on its own, to be cached and shown by another template as it is.

    Jinja's template module is its autoescaped output, marked safe by Jinja itself (`__html__`); the
    fragment gets no request, so it cannot call url_for.
    """
    return templates.get_template(name).make_module(context)

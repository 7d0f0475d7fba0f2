"""Cookies signed, HttpOnly and SameSite; the session rotated at login and dead after logout; security
headers on every kind of response; templates free of anything the CSP would block."""

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.config import PROJECT_ROOT, Settings
from app.main import SESSION_COOKIE, create_app
from tests.support import factories
from tests.support.web import csrf, login

TEMPLATES = PROJECT_ROOT / "templates"


def _set_cookie(response: object, name: str = SESSION_COOKIE) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    found = [h for h in headers if h.startswith(f"{name}=")]
    assert found, headers
    return found[-1]


def _use_cookie(client: TestClient, value: str) -> None:
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, value)


def test_the_session_cookie_is_httponly_samesite_and_secure_when_configured(settings: Settings) -> None:
    for secure in (False, True):
        app = create_app(settings.model_copy(update={"secure_cookies": secure}))
        with TestClient(app, base_url="https://testserver") as client:
            cookie = _set_cookie(client.get("/admin/login")).lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
        assert ("; secure" in cookie) is secure


def test_a_tampered_or_foreign_cookie_is_ignored(client: TestClient, session: Session, app: FastAPI) -> None:
    factories.admin(session, "organiser")
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    good = client.cookies[SESSION_COOKIE]
    assert good.count(".") == 2  # payload.timestamp.signature (itsdangerous)
    assert client.get("/admin", follow_redirects=False).status_code == 200
    payload, _, signature = good.rpartition(".")
    for forged in (payload + "." + signature[::-1], payload[:-2] + "AA." + signature, "e30=.x.y", ""):
        _use_cookie(client, forged)
        assert client.get("/admin", follow_redirects=False).status_code == 303
    # The same cookie signed by another installation's key is worthless here.
    other = create_app(app.state.settings.model_copy(update={"secret_key": "o" * 48}))
    other.dependency_overrides = app.dependency_overrides
    with TestClient(other, base_url="http://testserver") as elsewhere:
        login(elsewhere, "organiser", factories.PASSWORD)
        foreign = elsewhere.cookies[SESSION_COOKIE]
    _use_cookie(client, foreign)
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_the_session_changes_at_login_and_an_old_cookie_is_dead_after_logout(client: TestClient,
                                                                             session: Session) -> None:
    factories.admin(session, "organiser")
    token = csrf(client)
    before_login = client.cookies[SESSION_COOKIE]
    client.post("/admin/login", data={"username": "organiser", "password": factories.PASSWORD, "csrf_token": token},
                follow_redirects=False)
    signed_in = client.cookies[SESSION_COOKIE]
    assert signed_in != before_login
    # A planted pre-login session keeps nothing: its CSRF token no longer matches.
    refused = client.post("/admin/logout", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403
    page = client.get("/admin/accounts")
    assert page.status_code == 200
    client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/accounts")}, follow_redirects=False)
    assert client.get("/admin", follow_redirects=False).status_code == 303
    # Someone who copied the signed-in cookie (a shared office computer, a proxy log) cannot reuse it.
    _use_cookie(client, signed_in)
    assert client.get("/admin", follow_redirects=False).status_code == 303
    # Signing in again works and yields yet another cookie.
    again = login(client, "organiser", factories.PASSWORD)
    assert again.status_code == 303
    fresh = _set_cookie(again).split(";")[0].split("=", 1)[1]
    assert fresh not in (signed_in, before_login)
    _use_cookie(client, fresh)
    assert client.get("/admin", follow_redirects=False).status_code == 200


def _check_headers(response: object, where: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers.get("content-security-policy", "")
    directives = dict(part.strip().partition(" ")[::2] for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert directives.get("script-src") == "'self'" and directives.get("style-src") == "'self'", where
    assert directives.get("frame-ancestors") == "'none'" and directives.get("object-src") == "'none'", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), where
    assert headers.get("x-frame-options") == "DENY", where


@pytest.mark.parametrize("path", ["/", "/admin/login", "/admin", "/c/no-such", "/a/no-such", "/healthz",
                                  "/static/css/app.css", "/static/js/quiz.js", "/favicon.ico", "/nope",
                                  "/api/attempts/x/answers/0"])
def test_security_headers_are_on_every_kind_of_response(client: TestClient, path: str) -> None:
    _check_headers(client.get(path, follow_redirects=False), path)
    _check_headers(client.post(path, data={"x": "1"}, follow_redirects=False), f"POST {path}")


def test_admin_and_quiz_pages_are_not_cached(client: TestClient) -> None:
    for path in ("/admin/login", "/c/no-such", "/api/attempts/x/answers/0"):
        assert client.get(path, follow_redirects=False).headers.get("cache-control") == "no-store", path


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_no_template_has_anything_the_csp_would_block(template: str) -> None:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (EVENT_HANDLER, "on…= handler"),
                          (STYLE_ATTR, "style= attribute"), (STYLE_BLOCK, "<style> block"),
                          (JS_URL, "javascript: URL")):
        match = pattern.search(text)
        assert match is None, f"{template}: {what}: {match.group(0) if match else ''}"
    assert "|safe" not in text.replace(" ", ""), f"{template}: |safe bypasses autoescape"


def test_no_python_builds_markup_past_autoescape() -> None:
    offenders = [str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "app").rglob("*.py")
                 if re.search(r"\bMarkup\((?!'[^']*'\)\.format\()|autoescape\s*=\s*False|HTMLResponse\(f",
                              p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_route_list_is_not_served(client: TestClient) -> None:
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert client.get(path).status_code == 404, path


def test_templates_dir_exists() -> None:
    assert Path(TEMPLATES).is_dir() and any(TEMPLATES.rglob("*.html"))


def test_the_error_page_links_back_only_to_this_site(client: TestClient) -> None:
    for referer in ("javascript:alert(1)", "https://evil.example/login", "//evil.example/", "http://testserver.evil/"):
        page = client.get("/c/no-such-campaign/identify", headers={"referer": referer})
        assert page.status_code == 404
        assert "返回上一页" not in page.text and "evil" not in page.text and "javascript:" not in page.text, referer
    page = client.get("/c/no-such-campaign/identify", headers={"referer": "http://testserver/c/abc"})
    assert 'href="http://testserver/c/abc"' in page.text

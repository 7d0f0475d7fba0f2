"""The application shell in real Chromium: the login page on a phone, then the console on a desktop."""

import pytest

from app.accounts import service as accounts_service
from tests.support.browser import LiveServer, Shots

pytestmark = pytest.mark.browser


def test_admin_signs_in_on_a_phone_and_sees_the_console(live_server: LiveServer, phone: object,
                                                          shots: Shots) -> None:
    with live_server.sessions() as session, session.begin():
        accounts_service.create_admin_user(session, username="shell", password="shell-pass-42",
                                           display_name="县政府办 王主任")
    page = phone
    page.goto(live_server.url + "/admin")  # type: ignore[attr-defined]
    assert page.url.startswith(live_server.url + "/admin/login")  # type: ignore[attr-defined]
    shots.take(page, "login")
    page.fill("input[name=username]", "shell")  # type: ignore[attr-defined]
    page.fill("input[name=password]", "wrong-pass-00")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    assert "用户名或密码不正确" in page.text_content("main")  # type: ignore[attr-defined]
    shots.take(page, "login-error")
    page.fill("input[name=password]", "shell-pass-42")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(live_server.url + "/admin")  # type: ignore[attr-defined]
    assert "县政府办 王主任" in page.text_content("header")  # type: ignore[attr-defined]
    shots.take(page, "console")

"""Admin login: success, wrong password, throttling, CSRF, logout, password change."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.models import AuditLog
from tests.support import factories
from tests.support.web import csrf, login


def test_login_page_is_chinese_and_has_csrf(client: TestClient) -> None:
    response = client.get("/admin/login")
    assert response.status_code == 200
    assert response.template.name == "accounts/login.html"  # type: ignore[attr-defined]
    assert 'lang="zh-CN"' in response.text
    assert 'name="csrf_token"' in response.text


def test_admin_pages_send_anonymous_users_to_login(client: TestClient) -> None:
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/admin/login?next=%2Fadmin")


def test_correct_password_signs_in(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    response = login(client, "zhang", factories.PASSWORD)
    assert response.status_code == 303
    home = client.get("/admin")
    assert home.status_code == 200
    assert home.template.name == "admin/home.html"  # type: ignore[attr-defined]
    assert session.query(AuditLog).filter_by(action="login").count() == 1


def test_wrong_password_is_refused_with_a_chinese_message(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    response = login(client, "zhang", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.text
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_repeated_failures_lock_the_account_even_for_the_right_password(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    statuses = [login(client, "zhang", f"bad-{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = login(client, "zhang", factories.PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.text


def test_post_without_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    client.get("/admin/login")
    response = client.post("/admin/login", data={"username": "zhang", "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "安全校验" in response.text


def test_token_from_another_session_is_refused(app: object, client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    stolen = csrf(client)
    with TestClient(client.app, base_url="http://testserver") as other:
        other.get("/admin/login")
        response = other.post("/admin/login",
                              data={"username": "zhang", "password": factories.PASSWORD, "csrf_token": stolen})
    assert response.status_code == 403


def test_login_does_not_redirect_off_site(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    token = csrf(client)
    response = client.post("/admin/login", data={"username": "zhang", "password": factories.PASSWORD,
                                                 "csrf_token": token, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "http://testserver/admin"


def test_logout_ends_the_session(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    login(client, "zhang", factories.PASSWORD)
    token = csrf(client, "/admin")
    client.post("/admin/logout", data={"csrf_token": token})
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_password_change_ends_other_sessions(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    login(client, "zhang", factories.PASSWORD)
    with TestClient(client.app, base_url="http://testserver") as laptop:
        login(laptop, "zhang", factories.PASSWORD)
        token = csrf(client, "/admin/password")
        done = client.post("/admin/password", data={"csrf_token": token, "current": factories.PASSWORD,
                                                    "new": "new-secret-77", "repeat": "new-secret-77"})
        assert done.status_code == 200 and "密码已修改" in done.text
        assert laptop.get("/admin", follow_redirects=False).status_code == 303
    assert client.get("/admin").status_code == 200


def test_weak_new_password_is_refused(client: TestClient, session: Session) -> None:
    factories.admin(session, "zhang")
    login(client, "zhang", factories.PASSWORD)
    token = csrf(client, "/admin/password")
    response = client.post("/admin/password", data={"csrf_token": token, "current": factories.PASSWORD,
                                                    "new": "12345678", "repeat": "12345678"})
    assert response.status_code == 422
    assert "至少 8 位" in response.text

"""Liaison accounts made from the roster screen, switched off, given new passwords; the audit log."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import AdminUser, AuditLog
from tests.support import factories
from tests.support.web import login


def test_a_liaison_made_on_the_unit_page_can_sign_in_until_deactivated(
    admin_client: TestClient, token: str, session: Session, app: object
) -> None:
    from fastapi.testclient import TestClient as Client

    town = factories.unit(session, "示范县/城关镇")
    created = admin_client.post("/admin/accounts", data={"csrf_token": token, "unit_id": str(town.id),
                                                         "username": "chengguan", "display_name": "城关镇联络员",
                                                         "password": "town-pass-2026", "back": "unit"},
                                follow_redirects=False)
    assert created.headers["location"].endswith(f"/admin/roster/units/{town.id}")
    liaison = session.scalars(select(AdminUser).where(AdminUser.username == "chengguan")).one()
    assert liaison.role == "liaison" and liaison.unit_id == town.id
    assert "城关镇联络员" in admin_client.get(f"/admin/roster/units/{town.id}").text

    with Client(app, base_url="http://testserver") as other:  # type: ignore[arg-type]
        assert login(other, "chengguan", "town-pass-2026").status_code == 303
        assert other.get("/admin", follow_redirects=False).status_code == 200
        admin_client.post(f"/admin/accounts/{liaison.id}/active", data={"csrf_token": token, "active": "0"})
        assert other.get("/admin", follow_redirects=False).status_code == 303  # signed out at once
        assert login(other, "chengguan", "town-pass-2026").status_code == 401

        admin_client.post(f"/admin/accounts/{liaison.id}/active", data={"csrf_token": token, "active": "1"})
        weak = admin_client.post(f"/admin/accounts/{liaison.id}/password",
                                 data={"csrf_token": token, "password": "12345678"})
        assert weak.status_code == 422 and "密码至少 8 位" in weak.text
        admin_client.post(f"/admin/accounts/{liaison.id}/password",
                          data={"csrf_token": token, "password": "new-town-pass-1"})
        assert login(other, "chengguan", "town-pass-2026").status_code == 401
        assert login(other, "chengguan", "new-town-pass-1").status_code == 303

    actions = [a for a in session.scalars(select(AuditLog.action).order_by(AuditLog.id))]
    for action in ("account_created", "account_deactivated", "account_reactivated", "password_reset"):
        assert action in actions


def test_an_organiser_cannot_switch_off_their_own_account(admin_client: TestClient, token: str,
                                                          organiser: AdminUser) -> None:
    response = admin_client.post(f"/admin/accounts/{organiser.id}/active", data={"csrf_token": token, "active": "0"})
    assert response.status_code == 409 and organiser.active


def test_a_bad_username_is_explained_and_the_form_is_kept(admin_client: TestClient, token: str,
                                                          session: Session) -> None:
    town = factories.unit(session, "示范县/青山乡")
    response = admin_client.post("/admin/accounts", data={"csrf_token": token, "unit_id": str(town.id),
                                                          "username": "青山", "password": "qingshan-2026"})
    assert response.status_code == 422 and "用户名须为" in response.context["error"]  # type: ignore[attr-defined]
    assert response.context["form"]["username"] == "青山"  # type: ignore[attr-defined]
    no_unit = admin_client.post("/admin/accounts", data={"csrf_token": token, "username": "qingshan",
                                                         "password": "qingshan-2026"})
    assert "请选择联络员负责的单位" in no_unit.text


def test_the_audit_log_lists_logins_with_who_and_where(admin_client: TestClient, organiser: AdminUser) -> None:
    page = admin_client.get("/admin/audit?action=login")
    entries = page.context["result"].entries  # type: ignore[attr-defined]
    assert entries and entries[0].actor_id == organiser.id and entries[0].action == "login"
    assert "登录" in page.text

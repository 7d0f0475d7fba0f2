"""Every admin route, for every kind of caller: enumerated from the app so a new route cannot slip by.

Anonymous callers and employees (a session cookie without an admin) are sent to log in; a liaison of
unit A gets nothing of unit B and nothing of banks, campaigns or accounts; organisers get every page.
"""

import json
from base64 import b64encode
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from sqlalchemy.orm import Session

from app.accounts.models import Job, JobStatus, Role
from app.banks import jobs
from app.banks import service as banks_service
from app.main import SESSION_COOKIE
from app.quiz import campaigns
from tests.support import factories
from tests.support.web import csrf, login

PUBLIC = {"accounts:login", "accounts:login_submit", "accounts:logout"}
# What a liaison may reach at all; each of these is still confined to the liaison's subtree.
LIAISON_PAGES = {"admin:home", "admin:roster", "admin:unit", "admin:person_active", "accounts:password",
                 "accounts:password_submit", "admin:roster_template_xlsx", "admin:roster_template_csv",
                 "admin:roster_import", "admin:roster_preview", "admin:roster_commit"}
# A roster upload awaiting confirmation belongs to whoever uploaded it: for any other liaison it is not there.
UPLOADER_ONLY = {"admin:roster_preview", "admin:roster_commit"}
OWN_ADMIN_ROUTES = {
    "admin:home", "admin:banks", "admin:report_upload", "admin:report_generate", "admin:job", "admin:job_status",
    "admin:bank", "admin:bank_rename", "admin:question_new", "admin:question_create", "admin:question_edit",
    "admin:question_save", "admin:question_status", "admin:bank_export_json", "admin:bank_export_xlsx",
    "admin:bank_template", "admin:bank_import", "admin:campaigns", "admin:campaign_new", "admin:campaign_create",
    "admin:campaign", "admin:campaign_edit", "admin:campaign_update", "admin:campaign_status", "admin:campaign_share",
    "admin:campaign_print", "admin:campaign_qr_png", "admin:campaign_qr_svg", "admin:roster", "admin:unit",
    "admin:person_active", "admin:roster_template_xlsx", "admin:roster_template_csv", "admin:roster_import",
    "admin:roster_preview", "admin:roster_commit", "admin:accounts", "admin:account_create", "admin:account_active",
    "admin:account_password", "admin:audit",
}


def all_routes(routes: list[Any]) -> list[tuple[str, str, set[str]]]:
    """(name, path, methods) of every endpoint, also inside included routers (newer FastAPI nests them)."""
    found: list[tuple[str, str, set[str]]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((route.name, route.path, set(route.methods)))
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                inner = context.original_route
                if isinstance(inner, APIRoute):
                    found.append((inner.name, context.path, set(inner.methods)))
    return found


def admin_routes(app: FastAPI) -> list[tuple[str, str, str]]:
    """(name, method, path template) of every route under /admin except logging in and out."""
    found = set()
    for name, path, methods in all_routes(app.routes):
        if path.startswith("/admin") and name not in PUBLIC:
            found |= {(name, method, path) for method in methods - {"HEAD"}}
    return sorted(found)


def test_the_table_knows_every_admin_route(app: FastAPI) -> None:
    names = {name for name, _, _ in admin_routes(app)}
    assert names >= OWN_ADMIN_ROUTES


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    """Two towns: the liaison's (A) and another (B), with a bank, campaign and jobs to point at."""
    town_a = factories.unit(session, "某县/甲镇")
    town_b = factories.unit(session, "某县/乙镇")
    factories.person(session, town_a, "甲镇人")
    person_b = factories.person(session, town_b, "乙镇人")
    organiser = factories.admin(session, "organiser")
    factories.admin(session, "liaison-a", role=Role.LIAISON, in_unit=town_a)
    liaison_b = factories.admin(session, "liaison-b", role=Role.LIAISON, in_unit=town_b)
    bank = factories.bank(session)
    report = banks_service.create_report(session, title="报告", text="城镇新增就业1244万人，年末城镇调查失业率为5.1%。")
    gen_job = jobs.create_generation_job(session, report=report, actor=organiser)
    roster_job = Job(kind="roster_import", status=JobStatus.PENDING, result={
        "filename": "x.csv", "rows": [], "problems": [], "new_units": [], "to_create": 0, "to_update": 0,
        "unchanged": 0, "missing": []})
    session.add(roster_job)
    campaign = campaigns.create_campaign(session, bank=bank, title="活动", draw_rule={"single_choice": 2})
    session.flush()
    params = {"unit_id": town_b.id, "person_id": person_b.id, "bank_id": bank.id,
              "question_id": banks_service.active_questions(session, bank)[0].id, "report_id": report.id,
              "campaign_id": campaign.id, "account_id": liaison_b.id, "job_id": gen_job.id}
    return {"params": params, "roster_job": roster_job.id, "town_b": town_b.full_name}


def fill(name: str, path: str, world: dict[str, Any]) -> str:
    params = dict(world["params"])
    if name.startswith("admin:roster_"):
        params["job_id"] = world["roster_job"]
    for key, value in params.items():
        path = path.replace("{" + key + "}", str(value))
    # Routes added later by other sections take an id we do not know: point them at the campaign.
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(params["campaign_id"]) + path[end + 1:]
    return path


def call(client: TestClient, method: str, path: str, token: str) -> Any:
    if method == "GET":
        return client.get(path, follow_redirects=False)
    return client.request(method, path, data={"csrf_token": token}, follow_redirects=False)


def employee_cookie(app: FastAPI, token: str) -> str:
    """A session cookie as an identified employee holds it: a person, no admin."""
    payload = b64encode(json.dumps({"csrf": token, "employee": {"person_id": 1, "campaign": "x"}}).encode())
    return TimestampSigner(app.state.settings.secret_key).sign(payload).decode()


def test_anonymous_callers_are_sent_to_log_in(app: FastAPI, client: TestClient, world: dict[str, Any]) -> None:
    token = csrf(client)
    for name, method, template in admin_routes(app):
        response = call(client, method, fill(name, template, world), token)
        if method == "GET":
            assert response.status_code == 303, name
            assert response.headers["location"].startswith("http://testserver/admin/login"), name
        else:
            assert response.status_code == 401, name


def test_an_employee_cookie_opens_no_admin_page(app: FastAPI, client: TestClient, world: dict[str, Any]) -> None:
    client.cookies.set(SESSION_COOKIE, employee_cookie(app, "employee-token"))
    for name, method, template in admin_routes(app):
        response = call(client, method, fill(name, template, world), "employee-token")
        assert response.status_code in (303, 401), name
        assert "乙镇人" not in response.text and "甲镇人" not in response.text


def test_a_liaison_of_one_town_gets_nothing_of_another_or_of_the_organisers(
    app: FastAPI, client: TestClient, world: dict[str, Any]
) -> None:
    assert login(client, "liaison-a", factories.PASSWORD).status_code == 303
    token = csrf(client, "/admin/roster")
    for name, method, template in admin_routes(app):
        response = call(client, method, fill(name, template, world), token)
        assert response.status_code < 500, name
        if name in OWN_ADMIN_ROUTES and name not in LIAISON_PAGES:
            assert response.status_code == 403, name
            assert "只有组织者" in response.text, name
        elif name in UPLOADER_ONLY:
            assert response.status_code == 404, name
            assert "没有找到这次上传的名单" in response.text, name
        elif "{" in template and name in LIAISON_PAGES:
            # The path names unit B (or B's person): refused by the scope dependency.
            assert response.status_code == 403, name
            assert "不在您负责的范围" in response.text, name
        assert "乙镇" not in response.text, name


def test_a_liaison_sees_their_own_town(client: TestClient, world: dict[str, Any], session: Session) -> None:
    assert login(client, "liaison-a", factories.PASSWORD).status_code == 303
    page = client.get("/admin/roster")
    assert page.status_code == 200
    assert [u.name for u in page.context["units"]] == ["甲镇"]  # type: ignore[attr-defined]
    assert "报告与题库" not in page.text and "账号" not in page.text.split("</nav>")[0].split("admin-nav")[1]


def test_organisers_reach_every_admin_route(app: FastAPI, client: TestClient, world: dict[str, Any]) -> None:
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    token = csrf(client, "/admin/accounts")
    for name, method, template in admin_routes(app):
        response = call(client, method, fill(name, template, world), token)
        assert response.status_code not in (401, 403), (name, response.text[:300])
        assert response.status_code < 500, name


def test_every_admin_post_without_a_csrf_token_is_refused(app: FastAPI, client: TestClient,
                                                           world: dict[str, Any]) -> None:
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    for name, method, template in admin_routes(app):
        if method == "POST":
            response = client.post(fill(name, template, world), data={"x": "1"}, follow_redirects=False)
            assert response.status_code == 403, name
            assert "安全校验未通过" in response.text, name

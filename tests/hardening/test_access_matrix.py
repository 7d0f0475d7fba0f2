"""Every admin route × {anonymous, employee cookie, liaison of another unit, liaison of this unit, organiser}.

The table below gives each route its guard; routes are enumerated from the app, so a new route that is
not in the table fails, and the table is checked against each route's real dependency tree, so a route
that claims a guard it does not have fails too. Every call points at town B's resources.
"""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import SESSION_COOKIE
from tests.admin.test_access import call, employee_cookie, fill, world  # noqa: F401  (world is a fixture)
from tests.support import factories
from tests.support.web import csrf, login

ORGANISER = "organiser only"  # AdminDep: liaisons refused whatever the resource
PATH_SCOPED = "unit or person in the path"  # ScopedUnit / ScopedPerson: liaisons only inside their subtree
LIST_SCOPED = "filtered to the caller's scope"  # ScopeDep: every signed-in user, lists cut to their subtree
SELF = "own account"  # any signed-in user, about themselves only
UPLOADER = "own upload"  # ScopedImportJob: a liaison reaches only the roster uploads they made
GUARD_DEPENDENCY = {ORGANISER: {"require_admin"}, PATH_SCOPED: {"unit_in_scope", "person_in_scope"},
                    LIST_SCOPED: {"scope"}, SELF: {"current_admin"}, UPLOADER: {"import_job_in_scope"}}
PUBLIC = {"accounts:login", "accounts:login_submit", "accounts:logout"}

GUARDS = {
    "accounts:password": SELF, "accounts:password_submit": SELF,
    "admin:home": LIST_SCOPED, "admin:roster": LIST_SCOPED, "reports:index": LIST_SCOPED,
    "reports:campaign": LIST_SCOPED, "reports:items": LIST_SCOPED, "reports:people": LIST_SCOPED,
    "reports:chart": LIST_SCOPED, "reports:export_xlsx": LIST_SCOPED, "reports:export_csv": LIST_SCOPED,
    "reports:export_docx": LIST_SCOPED,
    # Background exports: started for a unit of the caller's scope; a job is seen only by who started it.
    "reports:export_start": LIST_SCOPED, "reports:export_job": LIST_SCOPED, "reports:export_job_status": LIST_SCOPED,
    "reports:export_file": LIST_SCOPED,
    "admin:unit": PATH_SCOPED, "admin:person_active": PATH_SCOPED, "reports:unit": PATH_SCOPED,
    "reports:paper": PATH_SCOPED, "reports:paper_file": PATH_SCOPED, "reports:paper_entry": PATH_SCOPED,
    "reports:paper_record": PATH_SCOPED,
    "admin:roster_template_xlsx": LIST_SCOPED, "admin:roster_template_csv": LIST_SCOPED,
    "admin:roster_import": LIST_SCOPED, "admin:roster_preview": UPLOADER, "admin:roster_commit": UPLOADER,
    **{name: ORGANISER for name in (
        "admin:banks", "admin:report_upload", "admin:report_generate", "admin:job", "admin:job_status", "admin:bank",
        "admin:bank_rename", "admin:question_new", "admin:question_create", "admin:question_edit",
        "admin:question_save", "admin:question_status", "admin:bank_export_json", "admin:bank_export_xlsx",
        "admin:bank_template", "admin:bank_import", "admin:campaigns", "admin:campaign_new", "admin:campaign_create",
        "admin:campaign", "admin:campaign_edit", "admin:campaign_update", "admin:campaign_status",
        "admin:campaign_share", "admin:campaign_print", "admin:campaign_qr_png", "admin:campaign_qr_svg",
        "admin:accounts", "admin:account_create", "admin:account_active",
        "admin:account_password", "admin:audit")},
}
# Filtered pages that take ?unit=: pointing it at town B is refused for the other town's liaison.
UNIT_QUERY = {"reports:items", "reports:people", "reports:chart", "reports:export_xlsx", "reports:export_csv",
              "reports:export_docx", "reports:export_start"}


def _dependency_names(dependant: Any, found: set[str]) -> set[str]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            found.add(getattr(sub.call, "__name__", ""))
        _dependency_names(sub, found)
    return found


def admin_endpoints(app: FastAPI) -> list[tuple[str, str, str, set[str]]]:
    """(name, method, path, dependency names) of every route under /admin, nested routers included."""
    found: dict[tuple[str, str, str], set[str]] = {}

    def visit(name: str, path: str, methods: set[str], dependant: Any) -> None:
        if path.startswith("/admin") and name not in PUBLIC:
            for method in methods - {"HEAD"}:
                found[(name, method, path)] = _dependency_names(dependant, set())

    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                visit(context.name, context.path, set(context.methods or ()), context.dependant)
        elif hasattr(route, "dependant"):
            visit(route.name, route.path, set(route.methods or ()), route.dependant)
    return [(name, method, path, deps) for (name, method, path), deps in sorted(found.items())]


def test_every_admin_route_has_a_declared_guard_that_its_dependencies_really_apply(app: FastAPI) -> None:
    endpoints = admin_endpoints(app)
    assert len(endpoints) >= 55
    missing = sorted({name for name, *_ in endpoints} - set(GUARDS))
    assert missing == [], f"new admin routes need a line in GUARDS: {missing}"
    for name, method, path, deps in endpoints:
        assert "current_admin" in deps, f"{method} {path} does not require a signed-in user"
        assert deps & GUARD_DEPENDENCY[GUARDS[name]], f"{name} claims '{GUARDS[name]}' but depends on {sorted(deps)}"


ROLES = ["anonymous", "employee", "liaison_other", "liaison_this", "organiser"]


def _sign_in(app: FastAPI, client: TestClient, role: str) -> str:
    if role == "anonymous":
        return csrf(client)
    if role == "employee":
        client.cookies.set(SESSION_COOKIE, employee_cookie(app, "employee-token"))
        return "employee-token"
    username = {"liaison_other": "liaison-a", "liaison_this": "liaison-b", "organiser": "organiser"}[role]
    assert login(client, username, factories.PASSWORD).status_code == 303
    return csrf(client, "/admin/password")


def _expected(role: str, guard: str, method: str) -> set[int] | None:
    """The exact statuses allowed, or None for 'let in' (anything but 401/403/5xx)."""
    if role in ("anonymous", "employee"):
        return {303} if method == "GET" else {401}
    if role == "organiser" or guard == SELF:
        return None
    if guard == ORGANISER:
        return {403}
    if guard == UPLOADER:
        # The world's upload was made by the organiser: no liaison finds it.
        return {404}
    if guard == PATH_SCOPED:
        # Town B's unit or person: the other town's liaison is refused (404 where the person is
        # looked up inside the liaison's own unit first and simply is not there).
        return {403, 404} if role == "liaison_other" else None
    return None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_its_guard_allows_on_every_admin_route(
        app: FastAPI, client: TestClient, world: dict[str, Any], role: str) -> None:  # noqa: F811
    token = _sign_in(app, client, role)
    checked = 0
    for name, method, template, _ in admin_endpoints(app):
        path = fill(name, template, world)
        variants = [path] + ([f"{path}?unit={world['params']['unit_id']}"] if name in UNIT_QUERY else [])
        for target in variants:
            response = call(client, method, target, token)
            checked += 1
            where = f"{role} {method} {target}"
            assert response.status_code < 500, where
            allowed = _expected(role, GUARDS[name], method)
            if target.endswith(f"?unit={world['params']['unit_id']}") and role == "liaison_other":
                allowed = {403}
            if allowed is None:
                assert response.status_code not in (401, 403), (where, response.text[:200])
            else:
                assert response.status_code in allowed, (where, response.status_code, response.text[:200])
            if role in ("anonymous", "employee") and method == "GET":
                assert "/admin/login" in response.headers["location"], where
            readable = response.headers.get("content-type", "").startswith(("text/", "application/json"))
            if role == "liaison_other" and readable:
                assert "乙镇人" not in response.text and "乙镇" not in response.text, where
    assert checked >= 60

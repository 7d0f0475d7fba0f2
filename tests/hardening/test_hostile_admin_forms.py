"""Property-based hostile input on every admin form: the organiser posts generated fields to each POST
route (enumerated from the app); no 500, and a refused form leaves every table exactly as it was."""

import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import Base
from tests.admin.test_access import fill, world  # noqa: F401  (world is a fixture)
from tests.hardening.test_access_matrix import admin_endpoints
from tests.hardening.test_hostile_quiz import nasty_text
from tests.support import factories
from tests.support.web import csrf, login

# Uploads are covered file by file (test_hostile_uploads.py); generation starts a background thread.
SKIP = {"admin:report_upload", "admin:report_generate", "admin:bank_import", "admin:roster_import"}
FIELD_RE = re.compile(r'name="([a-z_][a-z0-9_]*)"')


def _everything(session: Session) -> dict[str, list[str]]:
    session.expire_all()
    return {table.name: sorted(repr(tuple(row)) for row in session.execute(select(table)))
            for table in Base.metadata.sorted_tables}


def test_generated_admin_forms_are_refused_cleanly_or_accepted(
        app: FastAPI, client: TestClient, session: Session, world: dict[str, Any]) -> None:  # noqa: F811
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    token = csrf(client, "/admin/accounts")
    routes = [(name, fill(name, path, world)) for name, method, path, _ in admin_endpoints(app)
              if method == "POST" and name not in SKIP]
    assert len(routes) >= 12
    # The field names the console's own forms use, read from its pages.
    pages = ["/admin/campaigns/new", f"/admin/campaigns/{world['params']['campaign_id']}/edit",
             f"/admin/banks/{world['params']['bank_id']}/questions/new?kind=single_choice", "/admin/accounts",
             "/admin/password", f"/admin/banks/{world['params']['bank_id']}"]
    names = sorted({n for page in pages for n in FIELD_RE.findall(client.get(page).text)} - {"csrf_token"})
    assert len(names) >= 15
    values = st.one_of(nasty_text, st.integers(min_value=-(2**70), max_value=2**70).map(str),
                       st.sampled_from(["", "0", "-1", "1e9", "on", "true", "single_choice", "published", "closed",
                                        "2026-13-45 25:61", "9999-12-31 23:59", "best", "open", "admin", "liaison"]))
    seen: dict[int, int] = {}

    # Derandomized: the same examples every run, so CI never flakes on what one draw happened to cover.
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(route=st.sampled_from(routes),
           fields=st.dictionaries(st.sampled_from(names), st.lists(values, min_size=1, max_size=3), max_size=8))
    def post(route: tuple[str, str], fields: dict[str, list[str]]) -> None:
        name, path = route
        before = _everything(session)
        response = client.post(path, data={**fields, "csrf_token": token}, follow_redirects=False)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (name, fields, response.text[:300])
        assert response.status_code not in (401, 403), (name, response.text[:200])
        if response.status_code >= 400:
            after = _everything(session)
            changed = [t for t in after if after[t] != before[t]]
            assert changed == [], (name, fields, changed)

    post()
    # And one well-formed post, so the run is known to reach the accepting path of a form too.
    rename = next(path for name, path in routes if name == "admin:bank_rename")
    before_ok = _everything(session)
    accepted = client.post(rename, data={"title": "<b>新名称</b>", "csrf_token": token}, follow_redirects=False)
    seen[accepted.status_code] = seen.get(accepted.status_code, 0) + 1
    assert _everything(session) != before_ok
    assert seen.get(422, 0) > 0 and sum(v for k, v in seen.items() if k < 400) > 0, seen

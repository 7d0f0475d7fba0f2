"""Property-based hostile input on the employee side: identify, autosave, answer forms and submit.

Whatever arrives — control characters, NUL, huge numbers, nested JSON, wrong types — the answer is a
clear 4xx or success, never a 500, and a refused request writes nothing (rows counted before and after).
"""

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Throttle, Unit
from app.quiz.models import Answer, Attempt, AttemptStatus, IdentityMode
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import identify, start, token_of
from tests.support.web import csrf_from

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
nasty_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["\x00", "张\x00三", "' OR 1=1 --", "<script>alert(1)</script>", "\u202e1001", "١٢٣٤",
                     "１００１", "A" * 5000, "\ud7ff", "𠀀𠀁", "\r\n", "%00", "{{7*7}}", "../../etc/passwd"]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | nasty_text,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@PROPERTY
@given(unit_id=st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63), st.just(0)),
       name=nasty_text, code=nasty_text, q=nasty_text)
def test_identify_with_any_input_is_refused_or_accepted_never_a_500(
        client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit, employee: Person,
        unit_id: int | None, name: str, code: str, q: str) -> None:
    campaign = make_campaign()
    people = _count(session, Person)
    page = client.get(f"/c/{campaign.slug}/identify")
    form = {"csrf_token": csrf_from(page), "name": name, "code": code, "q": q}
    if unit_id is not None:
        form["unit_id"] = str(unit_id)
    response = client.post(f"/c/{campaign.slug}/identify", data=form, follow_redirects=False)
    assert response.status_code in (303, 422, 429), response.text[:300]
    assert _count(session, Person) == people  # roster mode never adds anyone
    assert "Traceback" not in response.text
    shown = client.get(f"/c/{campaign.slug}/identify", params={"q": q, "unit": unit_id})
    assert shown.status_code in (200, 422), shown.text[:300]


@PROPERTY
@given(name=nasty_text)
def test_open_mode_identify_adds_at_most_one_clean_person(client: TestClient, session: Session,
                                                          make_campaign: MakeCampaign, county: Unit, name: str) -> None:
    campaign = make_campaign(identity_mode=IdentityMode.OPEN)
    people = _count(session, Person)
    page = client.get(f"/c/{campaign.slug}/identify")
    response = client.post(f"/c/{campaign.slug}/identify", data={"csrf_token": csrf_from(page), "name": name,
                                                                 "unit_id": str(county.id)}, follow_redirects=False)
    assert response.status_code in (303, 422, 429), response.text[:300]
    added = _count(session, Person) - people
    assert added in (0, 1) and (added == 0 or response.status_code == 303)
    if added:
        newest = session.scalars(select(Person).order_by(Person.id.desc())).first()
        assert newest is not None and "\x00" not in newest.name and newest.name.strip()


@PROPERTY
@given(position=st.integers(min_value=-(2**63), max_value=2**63), body=json_values)
def test_autosave_with_any_json_is_refused_without_writing_or_saved(
        client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit, employee: Person,
        position: int, body: Any) -> None:
    campaign = make_campaign(time_limit_seconds=1800, max_attempts=1)
    existing = session.scalar(select(Attempt).where(Attempt.person_id == employee.id,
                                                    Attempt.campaign_id == campaign.id))
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    token = existing.token if existing is not None else token_of(start(client, campaign))
    page = client.get(f"/a/{token}/q/1")
    before = {(a.position, repr(a.response)) for a in session.scalars(select(Answer))}
    for payload in ({"response": body}, body):
        response = client.post(f"/api/attempts/{token}/answers/{position}", json=payload,
                               headers={"X-CSRF-Token": csrf_from(page)})
        assert response.status_code in (200, 400, 404, 409, 422), response.text[:300]
        assert response.headers["content-type"].startswith("application/json")
        after = {(a.position, repr(a.response)) for a in session.scalars(select(Answer))}
        if response.status_code != 200:
            assert after == before, response.json()
        before = after
    for raw in (b'{"response": NaN}', b'{"response": Infinity}', b'{"response": 1e999}', b'{"response":',
                b"\xff\xfe", b'{"response": "\\ud800"}', b"[" * 10000):
        response = client.post(f"/api/attempts/{token}/answers/{position}", content=raw,
                               headers={"X-CSRF-Token": csrf_from(page), "Content-Type": "application/json"})
        assert response.status_code in (200, 400, 404, 409, 422), response.text[:300]


@PROPERTY
@given(fields=st.dictionaries(st.sampled_from(["r0", "r1", "r2", "r3", "r7", "present0", "present1", "present3",
                                               "go", "r-1", "r99", "present99"]),
                              st.lists(nasty_text, max_size=3), max_size=6),
       number=st.integers(min_value=-5, max_value=12))
def test_answer_and_all_forms_with_any_fields_never_fail_and_refusals_write_nothing(
        client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit, employee: Person,
        fields: dict[str, list[str]], number: int) -> None:
    campaign = make_campaign(time_limit_seconds=1800)
    existing = session.scalar(select(Attempt).where(Attempt.person_id == employee.id,
                                                    Attempt.campaign_id == campaign.id))
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    token = existing.token if existing is not None else token_of(start(client, campaign))
    page = client.get(f"/a/{token}/all")
    data: dict[str, Any] = {"csrf_token": csrf_from(page), **fields}
    for path in (f"/a/{token}/q/{number}", f"/a/{token}/all"):
        before = {(a.position, repr(a.response)) for a in session.scalars(select(Answer))}
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code in (303, 404, 422), response.text[:300]
        if response.status_code != 303:
            assert {(a.position, repr(a.response)) for a in session.scalars(select(Answer))} == before


@PROPERTY
@given(csrf=st.one_of(st.none(), nasty_text), extra=st.dictionaries(nasty_text, nasty_text, max_size=3))
def test_submit_without_a_valid_token_changes_nothing(
        client: TestClient, session: Session, make_campaign: MakeCampaign, county: Unit, employee: Person,
        csrf: str | None, extra: dict[str, str]) -> None:
    campaign = make_campaign(time_limit_seconds=1800)
    existing = session.scalar(select(Attempt).where(Attempt.person_id == employee.id,
                                                    Attempt.campaign_id == campaign.id))
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    token = existing.token if existing is not None else token_of(start(client, campaign))
    data = dict(extra)
    if csrf is not None:
        data["csrf_token"] = csrf
    response = client.post(f"/a/{token}/submit", data=data, follow_redirects=False)
    assert response.status_code == 403, response.text[:300]
    attempt = session.scalar(select(Attempt).where(Attempt.token == token))
    assert attempt is not None and attempt.status == AttemptStatus.IN_PROGRESS
    assert _count(session, Throttle) >= 0

"""The attempt through HTTP: study time, draws, autosave, resume, expiry, idempotent submit, limits, policies."""

from collections import Counter
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from app.core.timeutil import utc_now
from app.main import SUBMITS_PER_MINUTE
from app.quiz import service
from app.quiz.campaigns import KINDS
from app.quiz.models import Answer, Attempt, AttemptStatus, Campaign, ScorePolicy, ShowAnswers
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import (
    answer_page,
    attempt_of,
    autosave,
    form_value,
    identify,
    start,
    submit,
    token_of,
)
from tests.support import factories
from tests.support.web import csrf_from


def _begin(client: TestClient, campaign: Campaign, unit: Unit, name: str = "张建国", code: str = "1001") -> str:
    assert identify(client, campaign, unit_id=unit.id, name=name, code=code).status_code == 303
    response = start(client, campaign)
    assert response.status_code == 303, response.text
    return token_of(response)


def _answer_all(client: TestClient, session: Session, token: str, *, correct: bool) -> None:
    for item in attempt_of(session, token).snapshot:
        wrong = ["不对"] if item["kind"] == "fill_blank" else []
        values = form_value(item, item["answer"]) if correct else wrong
        response = answer_page(client, token, item["position"] + 1, values, item["position"])
        assert response.status_code == 303


def test_the_draw_follows_the_rule_keeps_kinds_grouped_and_hides_the_key(
        client: TestClient, session: Session, make_campaign: MakeCampaign, employee: Person, county: Unit) -> None:
    campaign = make_campaign(draw_rule={"single_choice": 4, "multiple_choice": 2, "true_false": 3, "fill_blank": 1})
    token = _begin(client, campaign, county)
    attempt = attempt_of(session, token)
    kinds = [item["kind"] for item in attempt.snapshot]
    assert Counter(kinds) == {"single_choice": 4, "multiple_choice": 2, "true_false": 3, "fill_blank": 1}
    assert kinds == sorted(kinds, key=KINDS.index)
    assert attempt.unit_id == county.id and attempt.number == 1
    assert attempt.deadline_at is None
    page = client.get(f"/a/{token}/q/1")
    assert set(page.context["item"]) == {"position", "kind", "stem", "options", "section", "points"}  # type: ignore[attr-defined]


def test_order_and_options_are_shuffled_per_attempt(client: TestClient, app: FastAPI, session: Session,
                                                    make_campaign: MakeCampaign, county: Unit) -> None:
    campaign = make_campaign()
    orders, maps = set(), set()
    for i in range(6):
        factories.person(session, county, name=f"员工{i}", phone=f"1380000{i:04d}")
        with TestClient(app) as other:
            attempt = attempt_of(session, _begin(other, campaign, county, name=f"员工{i}", code=f"{i:04d}"))
        orders.add(tuple(item["uid"] for item in attempt.snapshot))
        maps.add(tuple(tuple(item["option_map"]) for item in attempt.snapshot))
        for item in attempt.snapshot:
            if item["kind"] == "single_choice":
                original = int(item["uid"].removeprefix("q-s")) % 4
                assert item["option_map"][item["answer"]] == original
    assert len(orders) > 1 and len(maps) > 1


def test_autosave_stores_the_answer_and_returns_no_key(client: TestClient, session: Session,
                                                       make_campaign: MakeCampaign, employee: Person,
                                                       county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    attempt = attempt_of(session, token)
    multiple = next(item for item in attempt.snapshot if item["kind"] == "multiple_choice")
    response = autosave(client, token, multiple["position"], ["3", "1"])
    assert response.status_code == 200
    assert set(response.json()) == {"saved", "saved_at", "answered"}
    saved = session.scalar(select(Answer).where(Answer.attempt_id == attempt.id,
                                                Answer.position == multiple["position"]))
    assert saved is not None and saved.response == [1, 3]
    # Changing one's mind replaces the answer; it never adds a second row.
    autosave(client, token, multiple["position"], [0])
    session.refresh(saved)
    assert saved.response == [0]
    bad = autosave(client, token, multiple["position"], [7])
    assert bad.status_code == 422 and "答案" in bad.json()["error"]


def test_autosave_needs_the_csrf_header(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                        employee: Person, county: Unit) -> None:
    token = _begin(client, make_campaign(), county)
    response = client.post(f"/api/attempts/{token}/answers/0", json={"response": 0})
    assert response.status_code == 403


def test_resume_on_a_second_phone_with_the_same_identity(client: TestClient, app: FastAPI, session: Session,
                                                         make_campaign: MakeCampaign, employee: Person,
                                                         county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    first = attempt_of(session, token).snapshot[0]
    autosave(client, token, 0, first["answer"] if first["kind"] != "fill_blank" else first["answer"][0])
    with TestClient(app) as second:
        response = identify(second, campaign, unit_id=county.id, name="张建国", code="1001")
        assert response.headers["location"].endswith(f"/a/{token}")
        resumed = second.get(f"/a/{token}", follow_redirects=True)
        assert resumed.template.name == "quiz/question.html"  # type: ignore[attr-defined]
        assert resumed.context["number"] == 2  # type: ignore[attr-defined]
        assert resumed.context["responses"][0] is not None  # type: ignore[attr-defined]
        assert start(second, campaign).headers["location"].endswith(f"/a/{token}")
    assert session.scalar(select(Attempt.id).where(Attempt.token != token)) is None


def test_another_persons_attempt_is_refused(client: TestClient, app: FastAPI, session: Session,
                                            make_campaign: MakeCampaign, employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    factories.person(session, county, name="李四", phone="13900005555")
    with TestClient(app) as other:
        identify(other, campaign, unit_id=county.id, name="李四", code="5555")
        assert other.get(f"/a/{token}/q/1").status_code == 403
        assert other.get(f"/a/{token}/result").status_code == 403
    with TestClient(app) as stranger:
        assert stranger.get(f"/a/{token}/q/1").status_code == 403


def test_expiry_submits_what_was_saved_and_refuses_late_answers(client: TestClient, session: Session,
                                                                make_campaign: MakeCampaign, employee: Person,
                                                                county: Unit) -> None:
    campaign = make_campaign(time_limit_seconds=60)
    token = _begin(client, campaign, county)
    attempt = attempt_of(session, token)
    first = attempt.snapshot[0]
    assert answer_page(client, token, 1, form_value(first, first["answer"]), 0).status_code == 303
    csrf = csrf_from(client.get(f"/a/{token}/q/2"))
    deadline = utc_now() - timedelta(minutes=5)
    attempt.started_at, attempt.deadline_at = deadline - timedelta(seconds=60), deadline
    session.flush()

    late = client.post(f"/api/attempts/{token}/answers/1", json={"response": 0}, headers={"X-CSRF-Token": csrf})
    assert late.status_code == 409 and late.json()["submitted"] is True
    attempt = attempt_of(session, token)
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.submitted_at == deadline
    assert attempt.duration_seconds == 60
    assert attempt.score == pytest.approx(100 / 8, abs=0.01)
    assert session.scalar(select(Answer).where(Answer.attempt_id == attempt.id, Answer.position == 1)) is None
    page = client.get(f"/a/{token}/q/2", follow_redirects=True)
    assert page.template.name == "quiz/result.html"  # type: ignore[attr-defined]
    assert "自动交卷" in page.text


def test_an_overdue_attempt_is_closed_when_its_owner_opens_the_campaign(
        client: TestClient, session: Session, make_campaign: MakeCampaign, employee: Person, county: Unit) -> None:
    campaign = make_campaign(time_limit_seconds=60, max_attempts=2)
    token = _begin(client, campaign, county)
    attempt = attempt_of(session, token)
    attempt.deadline_at = utc_now() - timedelta(minutes=1)
    session.flush()
    entry = client.get(f"/c/{campaign.slug}")
    assert entry.context["in_progress"] is None  # type: ignore[attr-defined]
    assert attempt_of(session, token).status == AttemptStatus.SUBMITTED


def test_expire_overdue_closes_forgotten_attempts(session: Session, make_campaign: MakeCampaign,
                                                  employee: Person) -> None:
    import random

    campaign = make_campaign(time_limit_seconds=60)
    attempt = service.start_attempt(session, campaign=campaign, person=employee, rng=random.Random(1),
                                    now=utc_now() - timedelta(hours=1))
    assert service.expire_overdue(session, campaign=campaign) == 1
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.counted


def test_answers_within_the_grace_period_still_count(client: TestClient, session: Session,
                                                     make_campaign: MakeCampaign, employee: Person,
                                                     county: Unit) -> None:
    campaign = make_campaign(time_limit_seconds=60)
    token = _begin(client, campaign, county)
    attempt = attempt_of(session, token)
    attempt.deadline_at = utc_now() - timedelta(seconds=5)
    session.flush()
    item = attempt.snapshot[0]
    assert answer_page(client, token, 1, form_value(item, item["answer"]), 0, go="review").status_code == 303
    assert submit(client, token).status_code == 303
    assert attempt_of(session, token).score == pytest.approx(100 / 8, abs=0.01)


def test_submitting_twice_counts_once(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                      employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    _answer_all(client, session, token, correct=True)
    csrf = csrf_from(client.get(f"/a/{token}/review"))
    first = client.post(f"/a/{token}/submit", data={"csrf_token": csrf}, follow_redirects=False)
    before = attempt_of(session, token).submitted_at
    again = client.post(f"/a/{token}/submit", data={"csrf_token": csrf}, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    attempt = attempt_of(session, token)
    assert (attempt.score, attempt.submitted_at, attempt.counted) == (100, before, True)
    assert session.scalar(select(Attempt.id).where(Attempt.token != token)) is None


def test_a_bot_pressing_submit_again_and_again_is_slowed_down(client: TestClient, session: Session,
                                                              make_campaign: MakeCampaign, employee: Person,
                                                              county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    csrf = csrf_from(client.get(f"/a/{token}/review"))
    presses = [client.post(f"/a/{token}/submit", data={"csrf_token": csrf}, follow_redirects=False)
               for _ in range(SUBMITS_PER_MINUTE + 2)]
    # A person's double tap, the timer and a retry all land on the result; a bot's flood does not.
    assert [p.status_code for p in presses[:SUBMITS_PER_MINUTE]] == [303] * SUBMITS_PER_MINUTE
    assert [p.status_code for p in presses[SUBMITS_PER_MINUTE:]] == [429, 429]
    assert "交卷操作过于频繁" in presses[-1].text
    attempt = attempt_of(session, token)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.counted
    assert session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_submit_racing_another_process_does_not_grade_twice(session: Session, make_campaign: MakeCampaign,
                                                              employee: Person) -> None:
    import random

    campaign = make_campaign()
    attempt = service.start_attempt(session, campaign=campaign, person=employee, rng=random.Random(2))
    # Another process submitted first: our loaded object still says in progress.
    session.execute(update(Attempt).where(Attempt.id == attempt.id)
                    .values(status=AttemptStatus.SUBMITTED, score=42.0, submitted_at=utc_now())
                    .execution_options(synchronize_session=False))
    assert attempt.status == AttemptStatus.IN_PROGRESS
    result = service.submit_attempt(session, attempt=attempt)
    assert result.status == AttemptStatus.SUBMITTED and result.score == 42.0


def test_fast_submissions_are_flagged(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                      employee: Person, county: Unit) -> None:
    campaign = make_campaign(max_attempts=2)
    token = _begin(client, campaign, county)
    submit(client, token)
    assert attempt_of(session, token).flagged_fast is True
    second = token_of(start(client, campaign))
    attempt = attempt_of(session, second)
    attempt.started_at = utc_now() - timedelta(minutes=4)
    session.flush()
    submit(client, second)
    assert attempt_of(session, second).flagged_fast is False


def test_attempts_run_out(client: TestClient, session: Session, make_campaign: MakeCampaign, employee: Person,
                          county: Unit) -> None:
    campaign = make_campaign(max_attempts=1)
    token = _begin(client, campaign, county)
    submit(client, token)
    refused = start(client, campaign)
    assert refused.status_code == 409
    assert "次数已经用完" in refused.text
    entry = client.get(f"/c/{campaign.slug}")
    assert entry.context["attempts_left"] == 0  # type: ignore[attr-defined]
    assert "次数已经用完" in entry.text


def test_start_is_refused_outside_the_window(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                             employee: Person, county: Unit) -> None:
    campaign = make_campaign(opens_at=utc_now() + timedelta(days=1))
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    response = start(client, campaign)
    assert response.status_code == 403 and "还没有开始" in response.text


@pytest.mark.parametrize(("policy", "counted_number"), [(ScorePolicy.BEST, 2), (ScorePolicy.LAST, 3),
                                                         (ScorePolicy.FIRST, 1)])
def test_score_policy_decides_which_attempt_counts(client: TestClient, session: Session,
                                                   make_campaign: MakeCampaign, employee: Person, county: Unit,
                                                   policy: ScorePolicy, counted_number: int) -> None:
    campaign = make_campaign(max_attempts=3, score_policy=policy)
    tokens = [_begin(client, campaign, county)]
    submit(client, tokens[0])  # nothing answered: 0
    tokens.append(token_of(start(client, campaign)))
    _answer_all(client, session, tokens[1], correct=True)
    submit(client, tokens[1])  # 100
    tokens.append(token_of(start(client, campaign)))
    item = attempt_of(session, tokens[2]).snapshot[0]
    answer_page(client, tokens[2], 1, form_value(item, item["answer"]), 0)
    submit(client, tokens[2])  # one right
    scores = [attempt_of(session, t).score for t in tokens]
    assert scores == [0, 100, pytest.approx(12.5, abs=0.01)]
    counted = [attempt_of(session, t).number for t in tokens if attempt_of(session, t).counted]
    assert counted == [counted_number]
    result = client.get(f"/a/{tokens[0]}/result")
    assert result.context["counted"].number == counted_number  # type: ignore[attr-defined]


def test_results_hold_back_keys_until_the_campaign_closes(client: TestClient, session: Session,
                                                          make_campaign: MakeCampaign, employee: Person,
                                                          county: Unit) -> None:
    campaign = make_campaign(show_answers=ShowAnswers.AFTER_CLOSE)
    token = _begin(client, campaign, county)
    submit(client, token)
    attempt = attempt_of(session, token)
    held = client.get(f"/a/{token}/result")
    assert held.context["reveal"] is False  # type: ignore[attr-defined]
    assert "活动结束后公布" in held.text
    assert all(item["evidence"] not in held.text for item in attempt.snapshot)
    campaign.closes_at = utc_now() - timedelta(minutes=1)
    session.flush()
    shown = client.get(f"/a/{token}/result")
    assert shown.context["reveal"] is True  # type: ignore[attr-defined]
    assert all(item["evidence"] in shown.text for item in attempt.snapshot)
    assert "【原文】" in shown.text


def test_never_means_never(client: TestClient, session: Session, make_campaign: MakeCampaign, employee: Person,
                           county: Unit) -> None:
    campaign = make_campaign(show_answers=ShowAnswers.NEVER)
    token = _begin(client, campaign, county)
    submit(client, token)
    campaign.closes_at = utc_now() - timedelta(minutes=1)
    session.flush()
    page = client.get(f"/a/{token}/result")
    assert page.context["reveal"] is False  # type: ignore[attr-defined]
    assert "不公布正确答案" in page.text
    assert all(item["evidence"] not in page.text for item in attempt_of(session, token).snapshot)


def test_result_shows_chosen_and_correct_answers_with_evidence(client: TestClient, session: Session,
                                                               make_campaign: MakeCampaign, employee: Person,
                                                               county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    _answer_all(client, session, token, correct=False)
    submit(client, token)
    page = client.get(f"/a/{token}/result")
    assert page.template.name == "quiz/result.html"  # type: ignore[attr-defined]
    attempt = attempt_of(session, token)
    fill = next(item for item in attempt.snapshot if item["kind"] == "fill_blank")
    assert fill["answer"][0] in page.text and "不对" in page.text
    assert attempt.passed is False and "未及格" in page.text
    assert all(item["section"] in page.text for item in attempt.snapshot)


def test_all_on_one_page_saves_every_answer(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                            employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    token = _begin(client, campaign, county)
    attempt = attempt_of(session, token)
    page = client.get(f"/a/{token}/all")
    assert page.template.name == "quiz/all.html"  # type: ignore[attr-defined]
    data: dict[str, str | list[str]] = {"csrf_token": csrf_from(page), "go": "submit"}
    for item in attempt.snapshot:
        data[f"present{item['position']}"] = "1"
        data[f"r{item['position']}"] = form_value(item, item["answer"])
    response = client.post(f"/a/{token}/all", data=data, follow_redirects=False)
    assert response.headers["location"].endswith(f"/a/{token}/review")
    submit(client, token)
    assert attempt_of(session, token).score == 100

"""Campaigns in the console: the form's checks, editing a live campaign, the share page and QR codes."""

import random
from datetime import timedelta
from typing import Any
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.core.timeutil import utc_now
from app.quiz import campaigns, live, scoring
from app.quiz.models import Attempt, AttemptStatus, Campaign
from tests.support import factories

FORM = {"title": "测一测：知多少", "opens_at": "", "closes_at": "", "draw_single_choice": "3",
        "draw_multiple_choice": "0", "draw_true_false": "2", "draw_fill_blank": "0", "points_total": "100",
        "pass_mark": "60", "time_limit_minutes": "", "max_attempts": "2", "score_policy": "best",
        "identity_mode": "roster", "study_minutes": "0", "show_answers": "after_submit"}


def test_the_form_shows_available_counts_and_refuses_a_rule_the_bank_cannot_supply(
    admin_client: TestClient, token: str, session: Session
) -> None:
    bank = factories.bank(session, per_kind=3)
    page = admin_client.get(f"/admin/campaigns/new?bank_id={bank.id}")
    assert page.context["available"] == {"single_choice": 3, "multiple_choice": 3, "true_false": 3,  # type: ignore[attr-defined]
                                         "fill_blank": 3}
    assert "题库可用 3 道" in page.text
    data = {**FORM, "csrf_token": token, "bank_id": str(bank.id), "draw_single_choice": "5",
            "opens_at": "2026-03-02T09:00", "closes_at": "2026-03-01T09:00", "pass_mark": "120"}
    refused = admin_client.post("/admin/campaigns/new", data=data)
    assert refused.status_code == 422
    text = " ".join(refused.context["problems"])  # type: ignore[attr-defined]
    assert "截止时间必须晚于开始时间" in text and "及格分" in text
    data.update(closes_at="2026-03-09T09:00", pass_mark="60")
    refused = admin_client.post("/admin/campaigns/new", data=data)
    assert "单选题需要 5 道、题库只有 3 道" in refused.context["problems"][0]  # type: ignore[attr-defined]
    assert refused.context["form"].title == FORM["title"]  # what was typed is kept  # type: ignore[attr-defined]


def submitted(session: Session, campaign: Campaign, person_id: int, unit_id: int, score: float,
              minutes_ago: int) -> Attempt:
    snapshot = scoring.draw_snapshot(session, campaign, random.Random(minutes_ago))
    attempt = Attempt(token=f"t{minutes_ago}", campaign_id=campaign.id, person_id=person_id, unit_id=unit_id,
                      number=1 if minutes_ago > 30 else 2, status=AttemptStatus.SUBMITTED, snapshot=snapshot,
                      submitted_at=utc_now() - timedelta(minutes=minutes_ago), score=score, max_score=100)
    session.add(attempt)
    session.flush()
    return attempt


def test_editing_a_live_campaign_keeps_attempts_and_recounts_on_a_new_score_policy(
    admin_client: TestClient, token: str, session: Session
) -> None:
    bank = factories.bank(session)
    town = factories.unit(session)
    person = factories.person(session, town)
    campaign = campaigns.create_campaign(session, bank=bank, title="活动", draw_rule={"single_choice": 3},
                                         max_attempts=2)
    campaigns.publish_campaign(session, campaign)
    first = submitted(session, campaign, person.id, town.id, 90, minutes_ago=60)
    last = submitted(session, campaign, person.id, town.id, 70, minutes_ago=5)
    live.recompute_counted(session, campaign=campaign, person_id=person.id)
    assert first.counted and not last.counted
    frozen = [dict(item) for item in first.snapshot]

    data = {**FORM, "csrf_token": token, "score_policy": "last", "draw_single_choice": "4", "pass_mark": "80"}
    response = admin_client.post(f"/admin/campaigns/{campaign.id}/edit", data=data, follow_redirects=False)
    assert response.status_code == 303
    session.refresh(first)
    session.refresh(last)
    assert last.counted and not first.counted
    assert first.snapshot == frozen and first.score == 90 and len(first.snapshot) == 3
    assert campaign.draw_rule["single_choice"] == 4 and campaign.pass_mark == 80


def test_publish_close_and_reopen(admin_client: TestClient, token: str, session: Session) -> None:
    bank = factories.bank(session)
    campaign = campaigns.create_campaign(session, bank=bank, title="活动", draw_rule={"true_false": 2})
    session.commit()  # a refused request rolls back its own work only

    def act(action: str) -> Any:
        return admin_client.post(f"/admin/campaigns/{campaign.id}/status", data={"csrf_token": token,
                                                                               "action": action})
    assert act("close").status_code == 422  # a draft cannot be closed
    act("publish")
    assert campaign.status == "published"
    assert act("publish").status_code == 422
    act("close")
    assert campaign.status == "closed"
    act("reopen")
    assert campaign.status == "published"


def test_the_share_page_has_a_link_and_qr_code_per_unit(admin_client: TestClient, session: Session,
                                                        app: Any) -> None:
    bank = factories.bank(session)
    county = factories.unit(session, "示范县")
    town = factories.unit(session, "示范县/城关镇")
    factories.unit(session, "另一县")
    campaign = campaigns.create_campaign(session, bank=bank, title="活动", draw_rule={"true_false": 2},
                                         root_unit=county)
    page = admin_client.get(f"/admin/campaigns/{campaign.id}/share")
    links = dict((u.full_name, link) for u, link in page.context["units"])  # type: ignore[attr-defined]
    assert links == {"示范县": f"http://testserver/c/{campaign.slug}?u={county.code}",
                     "示范县/城关镇": f"http://testserver/c/{campaign.slug}?u={town.code}"}
    svg = admin_client.get(f"/admin/campaigns/{campaign.id}/qr.svg?u={town.code}&dl=1")
    assert svg.headers["content-disposition"].startswith("attachment")
    root = ElementTree.fromstring(svg.content)
    assert root.tag.endswith("svg") and links["示范县/城关镇"] in svg.text  # the SVG's title names the link
    printable = admin_client.get(f"/admin/campaigns/{campaign.id}/print")
    assert printable.text.count("qr.svg") == 3 and "城关镇" in printable.text

    app.state.settings.public_url, before = "http://10.1.2.3/", app.state.settings.public_url
    try:
        page = admin_client.get(f"/admin/campaigns/{campaign.id}/share")
    finally:
        app.state.settings.public_url = before
    assert page.context["link"] == f"http://10.1.2.3/c/{campaign.slug}"  # type: ignore[attr-defined]

"""The campaign link and identification: roster matching, who to contact, throttling, open mode."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Person, Role, Unit
from app.core.timeutil import utc_now
from app.quiz.models import CampaignStatus, IdentityMode
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import identify
from tests.support import factories


def test_entry_page_states_the_rules_in_chinese(client: TestClient, make_campaign: MakeCampaign) -> None:
    campaign = make_campaign(time_limit_seconds=1200, max_attempts=2)
    response = client.get(f"/c/{campaign.slug}")
    assert response.status_code == 200
    assert response.template.name == "quiz/entry.html"  # type: ignore[attr-defined]
    assert response.context["rules"]["total"] == 8  # type: ignore[attr-defined]
    assert "限时" in response.text and "20 分钟" in response.text and "每人可答 2 次，取最高分" in response.text


def test_unknown_and_draft_campaigns_get_a_friendly_page(client: TestClient, make_campaign: MakeCampaign) -> None:
    unknown = client.get("/c/no-such-link")
    assert unknown.status_code == 404
    assert unknown.template.name == "quiz/unavailable.html"  # type: ignore[attr-defined]
    assert "没有找到这个答题活动" in unknown.text
    draft = make_campaign(publish=False)
    response = client.get(f"/c/{draft.slug}")
    assert response.status_code == 404
    assert "还没有发布" in response.text
    assert draft.title not in response.text
    assert client.get(f"/c/{draft.slug}/identify").status_code == 404


def test_campaigns_outside_their_window_say_so(client: TestClient, make_campaign: MakeCampaign) -> None:
    later = make_campaign(opens_at=utc_now() + timedelta(days=2))
    response = client.get(f"/c/{later.slug}")
    assert response.context["state"] == "not_yet"  # type: ignore[attr-defined]
    assert "还没有开始" in response.text
    closed = make_campaign()
    closed.status = CampaignStatus.CLOSED
    response = client.get(f"/c/{closed.slug}")
    assert response.context["state"] == "closed"  # type: ignore[attr-defined]
    assert "活动已经结束" in response.text


def test_roster_match_remembers_the_person_and_leads_to_study(client: TestClient, make_campaign: MakeCampaign,
                                                              employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    response = identify(client, campaign, unit_id=county.id, name=" 张 建国 ", code="1001")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/c/{campaign.slug}/study")
    entry = client.get(f"/c/{campaign.slug}")
    assert entry.context["person"].id == employee.id  # type: ignore[attr-defined]


def test_picking_the_parent_unit_still_finds_the_person(client: TestClient, session: Session,
                                                        make_campaign: MakeCampaign, employee: Person) -> None:
    campaign = make_campaign()
    town = factories.unit(session, "示范县/城关镇")
    response = identify(client, campaign, unit_id=town.id, name="张建国", code="1001")
    assert response.status_code == 303


def test_employee_number_identifies_too(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                        county: Unit) -> None:
    from app.accounts import service as accounts_service

    accounts_service.add_person(session, unit=county, name="李四", employee_no="GH0042")
    response = identify(client, make_campaign(), unit_id=county.id, name="李四", code="GH0042")
    assert response.status_code == 303


def test_no_match_names_the_units_liaison(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                          employee: Person, county: Unit) -> None:
    town = factories.unit(session, "示范县/城关镇")
    liaison = factories.admin(session, "town", role=Role.LIAISON, in_unit=town)
    liaison.display_name = "城关镇 王联络员"
    campaign = make_campaign()
    response = identify(client, campaign, unit_id=county.id, name="张建国", code="9999")
    assert response.status_code == 422
    assert response.template.name == "quiz/identify.html"  # type: ignore[attr-defined]
    assert response.context["contact"] == "城关镇 王联络员"  # type: ignore[attr-defined]
    assert "没有找到" in response.text and "城关镇 王联络员" in response.text
    assert client.get(f"/c/{campaign.slug}").context["person"] is None  # type: ignore[attr-defined]


def test_repeated_failures_lock_the_name_even_with_the_right_code(client: TestClient, make_campaign: MakeCampaign,
                                                                  employee: Person, county: Unit) -> None:
    campaign = make_campaign()
    statuses = [identify(client, campaign, unit_id=county.id, name="张建国", code=f"00{i:02d}").status_code
                for i in range(5)]
    assert statuses == [422, 422, 422, 422, 429]
    locked = identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    assert locked.status_code == 429
    assert "次数过多" in locked.text


def test_unit_filter_works_without_javascript(client: TestClient, session: Session, make_campaign: MakeCampaign,
                                              county: Unit) -> None:
    factories.unit(session, "示范县/县财政局")
    campaign = make_campaign()
    response = client.get(f"/c/{campaign.slug}/identify", params={"q": "财政"})
    names = [u.full_name for g in response.context["groups"] for u in g.units]  # type: ignore[attr-defined]
    assert names == ["示范县/县财政局"]


def test_unit_link_presets_the_unit(client: TestClient, make_campaign: MakeCampaign, employee: Person,
                                    county: Unit) -> None:
    campaign = make_campaign()
    response = client.get(f"/c/{campaign.slug}/identify", params={"u": county.code})
    assert response.context["chosen"].id == county.id  # type: ignore[attr-defined]
    assert identify(client, campaign, unit_id=0, name="张建国", code="1001",
                    query=f"?u={county.code}").status_code == 303


def test_units_outside_the_campaign_cannot_be_picked(client: TestClient, session: Session,
                                                     make_campaign: MakeCampaign, county: Unit) -> None:
    other = factories.unit(session, "别的县/某局")
    factories.person(session, other, name="赵六", phone="13900009999")
    campaign = make_campaign(root_unit=factories.unit(session, "示范县"))
    response = identify(client, campaign, unit_id=other.id, name="赵六", code="9999")
    assert response.status_code == 422
    assert "请填写单位" in response.text


def test_open_campaign_creates_a_self_declared_person_once(client: TestClient, session: Session,
                                                           make_campaign: MakeCampaign, county: Unit) -> None:
    campaign = make_campaign(identity_mode=IdentityMode.OPEN)
    assert identify(client, campaign, unit_id=county.id, name="路人甲").status_code == 303
    assert identify(client, campaign, unit_id=county.id, name="路人甲").status_code == 303
    people = session.scalars(select(Person).where(Person.name == "路人甲")).all()
    assert len(people) == 1 and people[0].self_declared


def test_leaving_forgets_the_identity(client: TestClient, make_campaign: MakeCampaign, employee: Person,
                                      county: Unit) -> None:
    from tests.support.web import csrf_from

    campaign = make_campaign()
    identify(client, campaign, unit_id=county.id, name="张建国", code="1001")
    entry = client.get(f"/c/{campaign.slug}")
    client.post(f"/c/{campaign.slug}/leave", data={"csrf_token": csrf_from(entry)})
    assert client.get(f"/c/{campaign.slug}").context["person"] is None  # type: ignore[attr-defined]

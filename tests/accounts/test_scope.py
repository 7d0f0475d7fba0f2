"""Liaisons see their unit's subtree and nothing else; organisers see everything."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.accounts.dependencies import Scope
from app.accounts.models import Role
from tests.support import factories
from tests.support.web import login


def test_liaison_scope_covers_only_the_subtree(session: Session) -> None:
    town = factories.unit(session, "某县/城关镇")
    office = factories.unit(session, "某县/城关镇/党政办")
    other = factories.unit(session, "某县/青山乡")
    county = factories.unit(session, "某县")
    liaison = factories.admin(session, "town", role=Role.LIAISON, in_unit=town)
    scope = Scope(user=liaison, unit=town)
    assert scope.covers(town) and scope.covers(office)
    assert not scope.covers(other) and not scope.covers(county)


def test_unit_tree_paths_nest(session: Session) -> None:
    office = factories.unit(session, "某县/城关镇/党政办")
    town = factories.unit(session, "某县 / 城关镇")
    assert office.tree_path.startswith(town.tree_path)
    assert office.full_name == "某县/城关镇/党政办" and office.depth == 2


def test_liaison_home_counts_only_their_people(client: TestClient, session: Session) -> None:
    town = factories.unit(session, "某县/城关镇")
    office = factories.unit(session, "某县/城关镇/党政办")
    other = factories.unit(session, "某县/青山乡")
    factories.person(session, office, "甲")
    factories.person(session, town, "乙")
    factories.person(session, other, "丙")
    factories.admin(session, "town", role=Role.LIAISON, in_unit=town)
    login(client, "town", factories.PASSWORD)
    response = client.get("/admin")
    assert response.context["counts"]["people"] == 2  # type: ignore[attr-defined]
    assert response.context["counts"]["units"] == 2  # type: ignore[attr-defined]

"""Counting a submission reads only the person's own attempts, never the campaign's (SQLite's query plans).

Regression test for a bug the benchmark found: counting (now `live.recount`) ordered the person's attempts
by submission time in SQL, and SQLite (which has no ANALYZE statistics) then walked the campaign's whole
`(campaign_id, submitted_at)` index to avoid a sort, on every submission. The statements are captured
during a real submission over HTTP and their plans asked from SQLite.
"""

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from app.accounts.models import Person, Unit
from tests.quiz.conftest import MakeCampaign
from tests.quiz.helpers import identify, start, submit, token_of

BY_PERSON = "ix_attempt_campaign_id_person_id"
BY_TIME = "ix_attempt_campaign_id_submitted_at"


@dataclass(frozen=True)
class Issued:
    statement: str
    parameters: Any
    by_recompute: bool  # issued from inside live.recount


@contextmanager
def statements(connection: Connection) -> Iterator[list[Issued]]:
    """Every statement run on the connection inside the block, marked when the count issued it."""
    issued: list[Issued] = []

    def capture(_conn: Connection, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        inside = any(frame.name == "recount" and frame.filename.endswith("live.py")
                     for frame in traceback.extract_stack())
        issued.append(Issued(statement, parameters, inside))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        yield issued
    finally:
        event.remove(connection, "before_cursor_execute", capture)


def plan(connection: Connection, issued: Issued) -> str:
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + issued.statement, issued.parameters)
    return " | ".join(str(row[3]) for row in rows)


def test_counting_a_submission_selects_by_campaign_and_person(client: TestClient, session: Session,
                                                             make_campaign: MakeCampaign, employee: Person,
                                                             county: Unit) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        pytest.skip("SQLite's planner (no statistics) is the one that chose the submitted_at index")
    campaign = make_campaign(max_attempts=2)
    assert identify(client, campaign, unit_id=county.id, name=employee.name, code="1001").status_code == 303
    first = token_of(start(client, campaign))
    assert submit(client, first).status_code == 303
    second = token_of(start(client, campaign))  # a second attempt: the count now picks between two
    page = client.get(f"/a/{second}/review")  # pages first, so that only the submission is captured
    assert page.status_code == 200
    with statements(connection) as issued:
        assert submit(client, second).status_code == 303

    counting = [s for s in issued if s.by_recompute and s.statement.lstrip().upper().startswith("SELECT")
                and "attempt" in s.statement]
    assert counting, "recount issued no SELECT on attempt during a submission"
    for statement in counting:
        shown = plan(connection, statement)
        assert BY_PERSON in shown, shown
        assert BY_TIME not in shown, shown
    # Nothing else the submission runs walks the campaign's attempts either.
    for statement in issued:
        if statement.statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            shown = plan(connection, statement)
            assert BY_TIME not in shown and "SCAN attempt" not in shown, (statement.statement, shown)

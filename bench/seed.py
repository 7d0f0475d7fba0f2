"""Build a bench database: the demo (real report, generated bank), a roster, and pools of open attempts.

The wrk pools are inserted in bulk (Core, not the ORM) and their people get *forged* session cookies,
signed with the bench's own secret key exactly as Starlette's SessionMiddleware signs them, so a wrk
request is indistinguishable from a phone that identified itself. The 10,000-employee scenario (flow.py)
does not use forged cookies: it drives the real identify form.
"""

from __future__ import annotations

import json
import random
import secrets
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import itsdangerous
from sqlalchemy import Engine, create_engine, insert, make_url, select, text
from sqlalchemy.orm import Session

from app.accounts import service as accounts_service
from app.accounts.models import Person, Unit
from app.banks.models import Bank
from app.core.timeutil import utc_now
from app.db.migrate import upgrade
from app.demo.loader import load_demo
from app.quiz import campaigns as campaign_service
from app.quiz import scoring
from app.quiz.models import Answer, Attempt, AttemptSource, AttemptStatus, Campaign, IdentityMode

UNITS = 100
DRAW_RULE = {"single_choice": 10, "multiple_choice": 5, "true_false": 5, "fill_blank": 0}


@dataclass
class BenchDb:
    url: str
    secret_key: str
    flow_slug: str
    pool_slug: str
    study_slug: str
    people: int


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def reset(url: str, sqlite_path: Path | None = None) -> None:
    """An empty database: the SQLite file removed, or PostgreSQL's public schema recreated."""
    if url.startswith("sqlite"):
        assert sqlite_path is not None
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
        return
    _create_database(url)
    engine = create_engine(sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _create_database(url: str) -> None:
    """Create the bench's PostgreSQL database on a fresh server (it only ever empties its own)."""
    target = make_url(sqlalchemy_url(url))
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": target.database}).first()
        if exists is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def forge_cookie(secret_key: str, campaign_id: int, person_id: int, csrf: str) -> str:
    """The `ceyice_session` cookie value the app itself would set after identification."""
    data = b64encode(json.dumps({"quiz": {str(campaign_id): person_id}, "csrf": csrf}).encode("utf-8"))
    return itsdangerous.TimestampSigner(secret_key).sign(data).decode("utf-8")


def build(url: str, secret_key: str, *, people: int) -> BenchDb:
    """Migrate, load the demo, add units, `people` people and the bench campaigns."""
    engine = create_engine(sqlalchemy_url(url))
    upgrade(engine)
    with Session(engine) as session:
        load_demo(session)
        bank = session.scalars(select(Bank)).one()
        units = [accounts_service.ensure_unit_path(session, f"示范县/压测单位{i:03d}") for i in range(UNITS)]
        now = utc_now()
        rows = []
        for i in range(people):
            phone = f"139{i:08d}"
            rows.append({"unit_id": units[i % UNITS].id, "name": f"员工{i:05d}", "phone": phone,
                         "phone_last4": phone[-4:], "identity_key": phone, "self_declared": False, "active": True,
                         "created_at": now, "updated_at": now})
        for start in range(0, len(rows), 5000):
            session.execute(insert(Person), rows[start:start + 5000])
        slugs = {}
        for key, study in (("flow", 0), ("pool", 0), ("study", 600)):
            campaign = campaign_service.create_campaign(
                session, bank=bank, title=f"压测活动 {key}", draw_rule=DRAW_RULE, time_limit_seconds=3600,
                max_attempts=3, identity_mode=IdentityMode.ROSTER, study_seconds_required=study)
            campaign_service.publish_campaign(session, campaign)
            slugs[key] = campaign.slug
        session.commit()
    engine.dispose()
    return BenchDb(url=url, secret_key=secret_key, flow_slug=slugs["flow"], pool_slug=slugs["pool"],
                   study_slug=slugs["study"], people=people)


def person_ids(engine: Engine, first: int, count: int) -> list[tuple[int, int, str]]:
    """(person id, unit id, name) of bench people `first`..`first+count-1` (numbered by their name)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Person.id, Person.unit_id, Person.name)
            .where(Person.name.like("员工%")).order_by(Person.name).offset(first).limit(count)
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def _response_for(item: dict[str, Any], rng: random.Random) -> object:
    """A valid response in shown indexes, right or wrong at random."""
    kind = item["kind"]
    if kind == "single_choice":
        return rng.randrange(len(item["options"]))
    if kind == "multiple_choice":
        return sorted(rng.sample(range(len(item["options"])), rng.randint(1, len(item["options"]))))
    if kind == "true_false":
        return rng.random() < 0.5
    return "答案"


def open_attempts(db: BenchDb, *, slug: str, first: int, count: int, answered: bool,
                  seed: int = 0) -> list[dict[str, Any]]:
    """Open (in-progress) attempts for people first..first+count-1, inserted in bulk; with their cookies.

    `answered`: every question already has a saved answer (the submit pool), else none (autosave pool).
    """
    engine = create_engine(sqlalchemy_url(db.url))
    rng = random.Random(seed)
    with Session(engine) as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        # Twenty distinct draws, cycled: the work per request is the same as with one draw per person.
        snapshots = [scoring.draw_snapshot(session, campaign, random.Random(seed * 100 + i)) for i in range(20)]
        people = person_ids(engine, first, count)
        now = utc_now()
        attempts = []
        for n, (person_id, unit_id, _name) in enumerate(people):
            attempts.append({
                "token": secrets.token_urlsafe(16), "campaign_id": campaign.id, "person_id": person_id,
                "unit_id": unit_id, "number": 1, "status": AttemptStatus.IN_PROGRESS,
                "source": AttemptSource.ONLINE, "snapshot": snapshots[n % len(snapshots)], "started_at": now,
                "deadline_at": now.replace(year=now.year + 1), "max_score": 100.0, "counted": False,
                "flagged_fast": False, "user_agent": "bench",
            })
        for start in range(0, len(attempts), 2000):
            session.execute(insert(Attempt), attempts[start:start + 2000])
        ids = dict(session.execute(select(Attempt.token, Attempt.id).where(Attempt.campaign_id == campaign.id)).all())
        if answered:
            answers = []
            for a in attempts:
                for item in a["snapshot"]:
                    answers.append({"attempt_id": ids[a["token"]], "position": item["position"],
                                    "question_uid": item["uid"], "response": _response_for(item, rng),
                                    "saved_at": now})
            for start in range(0, len(answers), 10000):
                session.execute(insert(Answer), answers[start:start + 10000])
        session.commit()
        out = []
        for a in attempts:
            csrf = secrets.token_urlsafe(32)
            out.append({"token": a["token"], "id": ids[a["token"]],
                        "cookie": forge_cookie(db.secret_key, campaign.id, a["person_id"], csrf), "csrf": csrf,
                        "kinds": [item["kind"] for item in a["snapshot"]],
                        "options": [len(item["options"]) for item in a["snapshot"]]})
    engine.dispose()
    return out


def unit_of_person(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        unit_id = conn.scalar(select(Person.unit_id).where(Person.name == name))
    assert unit_id is not None
    return int(unit_id)


def first_unit(engine: Engine) -> Unit:
    with Session(engine) as session:
        return session.scalars(select(Unit).order_by(Unit.id)).first()  # type: ignore[return-value]

"""An attempt while it is being answered: its frozen facts, cached per process, and the Core statements
that save an answer and submit it, shared by the fast routes and the ORM services.

What never changes once an attempt is drawn (who, which campaign, the deadline, the snapshot) is read
once per process; what does change (the status, the saved answers) is read or guarded in SQL on every
request, so several processes and the admin pages always agree.
"""

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, Text, bindparam, exists, func, literal, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from app.core.timeutil import as_utc
from app.quiz import scoring
from app.quiz.models import Answer, Attempt, AttemptStatus, Campaign, ScorePolicy

# Answers that arrive this late after the deadline (slow network, the timer's own submit) still count.
GRACE = timedelta(seconds=15)
# Faster than this per question nobody has read the stems: the result is flagged for the organiser.
MIN_SECONDS_PER_QUESTION = 3
# Attempts whose facts a process keeps: far more than the phones answering at once on one machine.
CACHED_ATTEMPTS = 4096

attempt_table = cast(Table, Attempt.__table__)
answer_table = cast(Table, Answer.__table__)
campaign_table = cast(Table, Campaign.__table__)


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    """What an attempt was drawn with; none of it changes until the attempt is deleted."""

    id: int
    token: str
    person_id: int
    campaign_id: int
    started_at: datetime
    snapshot: tuple[dict[str, Any], ...]
    # Only these reach pages before submission: no key, no evidence.
    public_items: tuple[dict[str, Any], ...] = field(default=())

    @property
    def total(self) -> int:
        return len(self.snapshot)


class FactsCache:
    """A bounded, thread-safe map from attempt token to facts (least recently used dropped first)."""

    def __init__(self, size: int = CACHED_ATTEMPTS) -> None:
        self._size = size
        self._items: OrderedDict[str, AttemptFacts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, token: str) -> AttemptFacts | None:
        with self._lock:
            facts = self._items.get(token)
            if facts is not None:
                self._items.move_to_end(token)
            return facts

    def put(self, facts: AttemptFacts) -> None:
        with self._lock:
            self._items[facts.token] = facts
            self._items.move_to_end(facts.token)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


# Every statement is built once, here: building and caching-keying a statement per call cost more than
# running it (a question page's read went from ~250 to ~75 µs).
_A, _N, _C = attempt_table.c, answer_table.c, campaign_table.c

_FACTS = select(_A.id, _A.person_id, _A.campaign_id, _A.started_at, _A.snapshot).where(_A.token == bindparam("token"))
_HEAD = (select(_A.status, _A.deadline_at, _C.title)
         .select_from(attempt_table.join(campaign_table, _C.id == _A.campaign_id))
         .where(_A.id == bindparam("attempt_id")))
_RESPONSES = select(_N.position, _N.response).where(_N.attempt_id == bindparam("attempt_id"))
_ANSWERS = select(_N.id, _N.position, _N.response).where(_N.attempt_id == bindparam("attempt_id"))
# A cleared response is stored as JSON null: compared as text, the same on SQLite and PostgreSQL.
_COUNT = select(func.count()).select_from(answer_table).where(
    _N.attempt_id == bindparam("attempt_id"), sql_cast(_N.response, Text) != literal("null"))
_CLAIM = (update(attempt_table)
          .where(_A.id == bindparam("attempt_id"), _A.status == AttemptStatus.IN_PROGRESS.value)
          .values(status=AttemptStatus.SUBMITTED.value, submitted_at=bindparam("now", type_=_A.submitted_at.type))
          .returning(_A.deadline_at, _A.started_at))
_CLAIM_OVERDUE = _CLAIM.where(_A.deadline_at.is_not(None),
                              _A.deadline_at < bindparam("cutoff", type_=_A.deadline_at.type))
_RULES = select(_C.partial_credit, _C.pass_mark, _C.score_policy).where(_C.id == bindparam("campaign_id"))
_GRADE = answer_table.update().where(_N.id == bindparam("answer_id")).values(fraction=bindparam("graded"))
_RESULT = update(attempt_table).where(_A.id == bindparam("attempt_id"))
_SUBMITTED = select(_A.id, _A.score, _A.submitted_at, _A.counted).where(
    _A.campaign_id == bindparam("campaign_id"), _A.person_id == bindparam("person_id"),
    _A.status == AttemptStatus.SUBMITTED.value)
# Named apart from the columns: an UPDATE reserves bind names equal to column names for its SET clause.
_UNCOUNT = update(attempt_table).where(
    _A.campaign_id == bindparam("of_campaign"), _A.person_id == bindparam("of_person"), _A.counted,
).values(counted=False)
_COUNT_ONE = update(attempt_table).where(_A.id == bindparam("chosen_id")).values(counted=True)


def load_facts(connection: Connection, token: str) -> AttemptFacts | None:
    """The facts of the attempt behind a URL token, or None."""
    row = connection.execute(_FACTS, {"token": token}).first()
    if row is None:
        return None
    snapshot = tuple(row.snapshot)
    return AttemptFacts(
        id=row.id, token=token, person_id=row.person_id, campaign_id=row.campaign_id,
        started_at=as_utc(row.started_at), snapshot=snapshot,
        public_items=tuple(scoring.public_item(item) for item in snapshot),
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an attempt stands now: its status, deadline and the saved responses by position."""

    status: AttemptStatus
    deadline_at: datetime | None
    responses: dict[int, object]
    campaign_title: str

    def overdue(self, now: datetime) -> bool:
        """Still open past the deadline and its grace."""
        return self.status == AttemptStatus.IN_PROGRESS and _past(self.deadline_at, now)


def _past(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now > deadline + GRACE


def read_progress(connection: Connection, attempt_id: int) -> Progress | None:
    """The status, deadline and saved (non-empty) responses of an attempt; None if it is gone."""
    head = connection.execute(_HEAD, {"attempt_id": attempt_id}).first()
    if head is None:
        return None
    rows = connection.execute(_RESPONSES, {"attempt_id": attempt_id}).all()
    return Progress(status=AttemptStatus(head.status), campaign_title=head.title,
                    deadline_at=as_utc(head.deadline_at) if head.deadline_at else None,
                    responses={r.position: r.response for r in rows if r.response is not None})


def save_if_open(connection: Connection, *, attempt_id: int, position: int, question_uid: str,
                 response: object, now: datetime) -> int | None:
    """Store (or replace) one response while the attempt is open and in time; how many are answered, or None.

    One statement guards and writes: the attempt's status and deadline are checked by the INSERT itself, so
    a save racing a submission in another process either lands before it (and is graded) or is refused.
    """
    saved = connection.execute(_upsert_statement(connection.dialect.name), {
        "attempt_id": attempt_id, "position": position, "question_uid": question_uid, "response": response,
        "saved_at": now, "open": AttemptStatus.IN_PROGRESS.value, "cutoff": now - GRACE,
    }).first()
    if saved is None:
        return None
    return count_answered(connection, attempt_id)


def count_answered(connection: Connection, attempt_id: int) -> int:
    """How many questions of the attempt have a non-empty saved response."""
    return int(connection.execute(_COUNT, {"attempt_id": attempt_id}).scalar_one())


_upserts: dict[str, Insert] = {}


def _upsert_statement(dialect: str) -> Insert:
    if dialect not in _upserts:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        deadline = _A.deadline_at
        still_open = exists().where(
            _A.id == bindparam("attempt_id"), _A.status == bindparam("open"),
            deadline.is_(None) | (deadline >= bindparam("cutoff", type_=deadline.type)))
        columns = ("attempt_id", "position", "question_uid", "response", "saved_at")
        params: list[Any] = [bindparam(name, type_=answer_table.c[name].type) for name in columns]
        if dialect == "postgresql":
            # A SELECT list has no column to take its types from: PostgreSQL reads untyped text otherwise.
            params = [sql_cast(param, answer_table.c[name].type) for param, name in zip(params, columns, strict=True)]
        statement = insert(answer_table).from_select(list(columns), select(*params).where(still_open))
        # RETURNING, not rowcount: psycopg reports no row count for INSERT … SELECT … ON CONFLICT.
        _upserts[dialect] = statement.on_conflict_do_update(
            index_elements=[_N.attempt_id, _N.position],
            set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at},
        ).returning(_N.id)
    return _upserts[dialect]


def submit_open(connection: Connection, facts: AttemptFacts, *, now: datetime, overdue_only: bool = False) -> bool:
    """Grade and close an open attempt with its saved answers; False if it was already submitted.

    The row is claimed with a conditional UPDATE first, so double taps, retries, the timer's own submit
    and racing processes submit once. `overdue_only`: close it only if its time (and grace) ran out.
    """
    claim = _CLAIM_OVERDUE if overdue_only else _CLAIM
    claimed = connection.execute(claim, {"attempt_id": facts.id, "now": now, "cutoff": now - GRACE}).first()
    if claimed is None:
        return False
    deadline = as_utc(claimed.deadline_at) if claimed.deadline_at else None
    # Closed lazily long after time ran out: it ended at the deadline, not when someone looked.
    ended = deadline if deadline is not None and _past(deadline, now) else now
    rules = connection.execute(_RULES, {"campaign_id": facts.campaign_id}).one()
    score, maximum = grade_stored(connection, attempt_id=facts.id, snapshot=facts.snapshot,
                                  partial_credit=rules.partial_credit)
    duration = max(int((ended - as_utc(claimed.started_at)).total_seconds()), 0)
    connection.execute(_RESULT, {
        "attempt_id": facts.id, "submitted_at": ended, "score": score, "max_score": maximum,
        "passed": score >= rules.pass_mark, "duration_seconds": duration,
        "flagged_fast": duration < MIN_SECONDS_PER_QUESTION * facts.total,
    })
    recount(connection, campaign_id=facts.campaign_id, person_id=facts.person_id,
            policy=ScorePolicy(rules.score_policy))
    return True


def grade_stored(connection: Connection, *, attempt_id: int, snapshot: Sequence[Mapping[str, Any]],
                 partial_credit: bool) -> tuple[float, float]:
    """Grade an attempt's saved answers, store each one's fraction (one executemany); score and maximum."""
    rows = connection.execute(_ANSWERS, {"attempt_id": attempt_id}).all()
    fractions, score, maximum = scoring.grade_responses(snapshot, {r.position: r.response for r in rows},
                                                        partial_credit=partial_credit)
    by_position = {item["position"]: fraction for item, fraction in zip(snapshot, fractions, strict=True)}
    graded = [{"answer_id": r.id, "graded": by_position[r.position]} for r in rows if r.position in by_position]
    if graded:
        connection.execute(_GRADE, graded)
    return score, maximum


def recount(connection: Connection, *, campaign_id: int, person_id: int, policy: ScorePolicy) -> int | None:
    """Mark the one submitted attempt the score policy counts for this person; its id."""
    # Sorted here, not by ORDER BY: SQLite (without ANALYZE) would then walk the campaign's whole
    # (campaign_id, submitted_at) index to avoid a sort, on every submission; a person has a few attempts.
    rows = connection.execute(_SUBMITTED, {"campaign_id": campaign_id, "person_id": person_id}).all()
    earliest = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(rows, key=lambda r: (as_utc(r.submitted_at) if r.submitted_at else earliest, r.id))
    chosen = scoring.choose_counted(ordered, policy)
    chosen_id = chosen.id if chosen is not None else None
    if [r.id for r in rows if r.counted] == ([chosen_id] if chosen_id is not None else []):
        return chosen_id
    # Clear first, then set: the partial unique index allows one counted row at every step.
    connection.execute(_UNCOUNT, {"of_campaign": campaign_id, "of_person": person_id})
    if chosen_id is not None:
        connection.execute(_COUNT_ONE, {"chosen_id": chosen_id})
    return chosen_id


def recompute_counted(session: Session, *, campaign: Campaign, person_id: int) -> Attempt | None:
    """The ORM face of `recount`: flush, recount in SQL, and let loaded attempts see the result."""
    session.flush()
    chosen_id = recount(session.connection(), campaign_id=campaign.id, person_id=person_id,
                        policy=ScorePolicy(campaign.score_policy))
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Attempt) and loaded.person_id == person_id and loaded.campaign_id == campaign.id:
            session.expire(loaded, ["counted"])
    return session.get(Attempt, chosen_id) if chosen_id is not None else None

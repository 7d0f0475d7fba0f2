"""Fault runs: real employees' flows against a real server process that is killed (SIGKILL) or whose
database restarts, then a check in the database that nothing the server acknowledged was lost.

Used by the CI test (a few dozen employees, one kill) and by bench/faults/*.py (longer documented runs).
An acknowledgement is what an employee's phone saw: HTTP 200 on an autosave, 303 on submit.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.banks.models import Question
from app.core.config import Environment, Settings
from app.db import migrate
from app.db.session import make_engine, make_sessionmaker
from app.quiz.models import Answer, Attempt, AttemptStatus
from tests.hardening.seed import Employee, Seeded, seed_campaign

REPO = Path(__file__).resolve().parents[2]
SECRET = "fault-run-secret-" + "x" * 32
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')
INPUT_RE = re.compile(r'<input type="(radio|checkbox|text)" name="r(\d+)" value="([^"]*)"([^>]*)>')
TRANSPORT_ERRORS = (httpx.TransportError,)
FAULT_SCHEMA = "ceyice_faults"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str, data_dir: Path, *, people: int) -> Seeded:
    """A freshly migrated database (PostgreSQL: its own schema) with a roster and a published campaign."""
    settings = Settings(env=Environment.TEST, data_dir=data_dir, database_url=url, secret_key=SECRET)
    engine = make_engine(settings)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {FAULT_SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {FAULT_SCHEMA}"))
    migrate.upgrade(engine)
    with make_sessionmaker(engine).begin() as session:
        seeded = seed_campaign(session, people=people, time_limit_seconds=3600)
    engine.dispose()
    return seeded


def isolated_url(url: str) -> str:
    """PostgreSQL: the URL with search_path set to the fault runs' own schema (other tests keep theirs)."""
    if not url.startswith("postgresql"):
        return url
    return str(make_url(url).update_query_dict({"options": f"-csearch_path={FAULT_SCHEMA}"}))


class Server:
    """The app served like production on a fixed port, in its own process group so SIGKILL takes it all."""

    def __init__(self, url: str, data_dir: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {**os.environ, "CEYICE_ENV": "production", "CEYICE_DATABASE_URL": url,
                    "CEYICE_DATA_DIR": str(data_dir), "CEYICE_SECRET_KEY": SECRET, "CEYICE_DB_POOL_SIZE": "5"}
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> None:
        if self.workers == 1:
            cmd = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
                   "--port", str(self.port), "--log-level", "warning", "--no-access-log"]
        else:
            cmd = [sys.executable, "-m", "gunicorn", "app.main:create_app()", "-k", "uvicorn.workers.UvicornWorker",
                   "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not come up")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handlers, no flushing, like a power cut of the app."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@dataclass
class Stats:
    requests: int = 0
    transport_errors: int = 0
    status: Counter[int] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    acked_answers: int = 0
    acked_submits: int = 0
    resume_checks: int = 0
    resume_mismatches: list[str] = field(default_factory=list)
    faults: int = 0
    outage_page: str = ""

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.status.items() if code >= 500 and code != 503)


@dataclass
class Phone:
    """One employee's phone: a cookie jar, the attempt and what the server acknowledged to it."""

    who: Employee
    client: httpx.AsyncClient
    token: str | None = None
    csrf: str = ""
    shapes: dict[int, tuple[str, int]] = field(default_factory=dict)
    acked: dict[int, object] = field(default_factory=dict)
    submitted: bool = False
    interrupted: bool = False


class Crowd:
    """Employees going through identify → study → start → autosave each answer → submit, retrying like people."""

    def __init__(self, base: str, seeded: Seeded, *, concurrency: int, seed: int = 0, patience: float = 90) -> None:
        self.base, self.seeded, self.concurrency = base, seeded, concurrency
        self.rng = random.Random(seed)  # simulated choices, reproducible
        self.stats = Stats()
        self.patience = patience
        self.phones: list[Phone] = []

    async def call(self, phone: Phone, method: str, path: str, *, expect: tuple[int, ...],
                   **kwargs: Any) -> httpx.Response:
        """Send until the server answers with something other than an outage; retry as a person would."""
        deadline = time.monotonic() + self.patience
        while True:
            self.stats.requests += 1
            try:
                response = await phone.client.request(method, path, **kwargs)
            except TRANSPORT_ERRORS:
                self.stats.transport_errors += 1
                phone.interrupted = True
            else:
                self.stats.status[response.status_code] += 1
                if response.status_code != 503:
                    if response.status_code not in expect:
                        self.stats.unexpected.append(f"{method} {path} → {response.status_code}")
                    return response
                self.stats.outage_page = self.stats.outage_page or response.text
                phone.interrupted = True
            if time.monotonic() > deadline:
                raise RuntimeError(f"{method} {path}: server unreachable for {self.patience} s")
            await asyncio.sleep(0.2 + self.rng.random() * 0.3)

    def _csrf(self, phone: Phone, response: httpx.Response) -> None:
        match = CSRF_RE.search(response.text)
        if match:
            phone.csrf = match.group(1) or match.group(2)

    def response_for(self, kind: str, options: int) -> object:
        if kind == "single_choice":
            return self.rng.randrange(options)
        if kind == "multiple_choice":
            return sorted(self.rng.sample(range(options), self.rng.randint(1, options)))
        if kind == "true_false":
            return self.rng.random() < 0.5
        return self.rng.choice(["密钥词1号", "稳中求进", "不知道", "<b>加粗</b>"])

    async def resume_check(self, phone: Phone) -> None:
        """After an interruption, the all-questions page shows every acknowledged answer as chosen."""
        assert phone.token is not None
        page = await self.call(phone, "GET", f"/a/{phone.token}/all", expect=(200, 303))
        phone.interrupted = False
        if page.status_code != 200:
            return
        self._csrf(phone, page)
        self.stats.resume_checks += 1
        shown: dict[int, list[tuple[str, str, bool]]] = {}
        for kind, pos, value, rest in INPUT_RE.findall(page.text):
            shown.setdefault(int(pos), []).append((kind, value, " checked" in rest))
        for pos, value in phone.acked.items():
            inputs = shown.get(pos, [])
            if isinstance(value, str):
                ok = any(k == "text" and v == value.replace("<", "&lt;").replace(">", "&gt;") for k, v, _ in inputs)
            else:
                wanted = {"true" if value else "false"} if isinstance(value, bool) else (
                    {str(v) for v in value} if isinstance(value, list) else {str(value)})
                ok = {v for _, v, checked in inputs if checked} == wanted
            if not ok:
                self.stats.resume_mismatches.append(f"{phone.token} position {pos}: acknowledged {value!r}")

    async def employee(self, who: Employee, gate: asyncio.Semaphore) -> None:
        async with gate, httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            phone = Phone(who=who, client=client)
            self.phones.append(phone)
            slug = self.seeded.slug
            self._csrf(phone, await self.call(phone, "GET", f"/c/{slug}/identify", expect=(200,)))
            form = {"csrf_token": phone.csrf, "unit_id": str(who.unit_id), "name": who.name, "code": who.code}
            await self.call(phone, "POST", f"/c/{slug}/identify", data=form, expect=(303,))
            self._csrf(phone, await self.call(phone, "GET", f"/c/{slug}/study", expect=(200, 303)))
            started = await self.call(phone, "POST", f"/c/{slug}/start", data={"csrf_token": phone.csrf},
                                      expect=(303,))
            phone.token = started.headers["location"].split("/a/")[1].split("/")[0]
            page = await self.call(phone, "GET", f"/a/{phone.token}/all", expect=(200,))
            self._csrf(phone, page)
            for _kind, pos, _value, _rest in INPUT_RE.findall(page.text):
                kind = {"text": "fill_blank", "checkbox": "multiple_choice"}.get(_kind, "single_choice")
                if _kind == "radio" and _value in ("true", "false"):
                    kind = "true_false"
                count = phone.shapes.get(int(pos), (kind, 0))[1]
                phone.shapes[int(pos)] = (kind, count + 1)
            order = list(phone.shapes)
            self.rng.shuffle(order)
            for pos in order + order[: len(order) // 3]:  # some answers are changed later
                if phone.interrupted:
                    await self.resume_check(phone)
                value = self.response_for(*phone.shapes[pos])
                saved = await self.call(phone, "POST", f"/api/attempts/{phone.token}/answers/{pos}",
                                        json={"response": value}, headers={"X-CSRF-Token": phone.csrf},
                                        expect=(200,))
                if saved.status_code == 200:
                    phone.acked[pos] = value
                    self.stats.acked_answers += 1
                await asyncio.sleep(self.rng.random() * 0.02)
            if phone.interrupted:
                await self.resume_check(phone)
            done = await self.call(phone, "POST", f"/a/{phone.token}/submit", data={"csrf_token": phone.csrf},
                                   expect=(303,))
            if done.status_code == 303:
                phone.submitted = True
                self.stats.acked_submits += 1

    async def run(self, fault: Callable[[Stats], Awaitable[None]] | None = None) -> Stats:
        gate = asyncio.Semaphore(self.concurrency)
        crowd = asyncio.gather(*(self.employee(who, gate) for who in self.seeded.employees))
        if fault is None:
            await crowd
        else:
            await asyncio.gather(crowd, fault(self.stats))
        return self.stats


@dataclass
class Verdict:
    answers_checked: int = 0
    answers_lost: list[str] = field(default_factory=list)
    submits_lost: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)


def verify(url: str, crowd: Crowd) -> Verdict:
    """Every acknowledged answer and submission is in the database; every attempt is whole."""
    engine = create_engine(make_engine_url(url))
    verdict = Verdict()
    with engine.connect() as conn:
        uids = set(conn.execute(select(Question.uid)).scalars())
        attempts = {a.token: a for a in conn.execute(select(Attempt)).all()}
        answers: dict[tuple[int, int], object] = {
            (a.attempt_id, a.position): a.response for a in conn.execute(select(Answer)).all()}
        for phone in crowd.phones:
            row = attempts.get(phone.token or "")
            if row is None:
                if phone.acked or phone.submitted:
                    verdict.answers_lost.append(f"attempt {phone.token} missing")
                continue
            for pos, value in phone.acked.items():
                verdict.answers_checked += 1
                if answers.get((row.id, pos), "<absent>") != value:
                    verdict.answers_lost.append(f"{phone.token}#{pos}: acknowledged {value!r}, "
                                                f"stored {answers.get((row.id, pos), '<absent>')!r}")
            if phone.submitted and (row.status != AttemptStatus.SUBMITTED or row.score is None):
                verdict.submits_lost.append(phone.token or "")
        for row in attempts.values():
            snapshot = row.snapshot
            if not isinstance(snapshot, list) or [i.get("position") for i in snapshot] != list(range(len(snapshot))):
                verdict.corrupt.append(f"{row.token}: snapshot positions")
                continue
            for item in snapshot:
                if item["uid"] not in uids:
                    verdict.corrupt.append(f"{row.token}: unknown question {item['uid']}")
                if item["kind"] in ("single_choice", "multiple_choice") and (
                        sorted(item["option_map"]) != list(range(len(item["options"])))):
                    verdict.corrupt.append(f"{row.token}: option map")
            if row.status == AttemptStatus.SUBMITTED and row.score is None:
                verdict.corrupt.append(f"{row.token}: submitted without a score")
        for label, condition in (("in progress", Attempt.status == AttemptStatus.IN_PROGRESS),
                                 ("counted", Attempt.counted)):
            doubles = conn.execute(select(Attempt.person_id).where(condition).group_by(Attempt.person_id)
                                   .having(func.count() > 1)).scalars().all()
            verdict.corrupt += [f"person {p}: more than one {label} attempt" for p in doubles]
    engine.dispose()
    return verdict


def make_engine_url(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def kill_schedule(server: Server, *, after: list[float], down: float = 1.0) -> Callable[[Stats], Awaitable[None]]:
    """SIGKILL the server at these moments (seconds from the start), restarting it `down` seconds later."""

    async def fault(stats: Stats) -> None:
        began = time.monotonic()
        for moment in after:
            await asyncio.sleep(max(moment - (time.monotonic() - began), 0))
            server.kill()
            stats.faults += 1
            await asyncio.sleep(down)
            await asyncio.to_thread(server.start)

    return fault

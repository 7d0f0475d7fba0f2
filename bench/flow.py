"""The whole employee scenario under load: a bounded, self-stopping asyncio load generator.

Each simulated employee, on its own keep-alive connection like a phone, drives the real pages:
entry → identify page → identify POST (unit, name, phone tail, csrf) → study page → one reading
heartbeat → start POST → for every question: its page, then the JSON autosave → review → submit → result.
Identification is real (no forged cookie): the session cookie is whatever the server sets.

Raw HTTP/1.1 over asyncio streams, because a Python HTTP client library would be the bottleneck.
Every acknowledged autosave (200) and submit (303 to the result) is recorded for `check.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

CSRF_RE = re.compile(rb'name="csrf_token" value="([^"]+)"')
VISIT_RE = re.compile(rb'name="visit" value="(\d+)"')
INPUT_RE = re.compile(rb'<input type="(radio|checkbox|text)" name="r(\d+)" value="([^"]*)"')
TOKEN_RE = re.compile(r"/a/([A-Za-z0-9_-]+)/")
COOKIE_RE = re.compile(r"ceyice_session=([^;]*)")
STEPS = ("entry", "identify_page", "identify", "study", "heartbeat", "start", "question", "autosave",
         "review", "submit", "result")


class StepFailed(Exception):
    pass


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: dict[str, int] = field(default_factory=dict)
    acked_answers: dict[str, dict[int, object]] = field(default_factory=dict)
    acked_submits: set[str] = field(default_factory=set)
    completed: int = 0
    failed: int = 0

    def error(self, step: str, detail: str) -> None:
        key = f"{step}: {detail}"
        self.errors[key] = self.errors.get(key, 0) + 1


class Phone:
    """One keep-alive connection with a cookie jar of one cookie."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookie = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None

    async def request(self, method: str, path: str, *, body: bytes = b"", content_type: str = "",
                      headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        for retry in (False, True):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "User-Agent: ceyice-bench"]
            if self.cookie:
                lines.append(f"Cookie: ceyice_session={self.cookie}")
            if body or method == "POST":
                lines += [f"Content-Length: {len(body)}", f"Content-Type: {content_type}"]
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            try:
                self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
                return await self._read()
            except (ConnectionError, asyncio.IncompleteReadError):
                # Only a keep-alive connection the server had already closed is retried, never a sent request
                # that got no answer: a retried POST would hide a lost acknowledgement.
                await self.close()
                if retry or method == "POST":
                    raise
        raise AssertionError("unreachable")

    async def _read(self) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                value = value.strip()
                if name == "set-cookie":
                    match = COOKIE_RE.search(value)
                    if match:
                        self.cookie = match.group(1)
                headers[name] = value
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection") == "close":
            await self.close()
        return status, headers, body


def _csrf(body: bytes) -> str:
    match = CSRF_RE.search(body)
    if not match:
        raise StepFailed("no csrf token on page")
    return match.group(1).decode()


def _response_for(inputs: list[tuple[bytes, bytes]], rng: random.Random) -> object:
    kinds = {k for k, _ in inputs}
    values = [v.decode() for _, v in inputs]
    if kinds == {b"text"}:
        return "答案"
    if kinds == {b"checkbox"}:
        return sorted(int(v) for v in rng.sample(values, rng.randint(1, len(values))))
    if set(values) == {"true", "false"}:
        return rng.random() < 0.5
    return int(rng.choice(values))


async def employee(base: tuple[str, int], slug: str, unit_id: int, name: str, code: str, stats: Stats,
                   rng: random.Random) -> None:
    phone = Phone(*base)

    async def step(label: str, method: str, path: str, expect: int, **kw: object) -> tuple[dict[str, str], bytes]:
        started = time.perf_counter()
        try:
            status, headers, body = await phone.request(method, path, **kw)  # type: ignore[arg-type]
        except (OSError, asyncio.IncompleteReadError) as exc:
            stats.error(label, type(exc).__name__)
            raise StepFailed(label) from exc
        stats.latencies[label].append((time.perf_counter() - started) * 1000)
        if status != expect:
            stats.error(label, str(status))
            raise StepFailed(f"{label}: {status}")
        return headers, body

    form = "application/x-www-form-urlencoded"
    try:
        await step("entry", "GET", f"/c/{slug}", 200)
        _, page = await step("identify_page", "GET", f"/c/{slug}/identify?unit={unit_id}", 200)
        data = urlencode({"csrf_token": _csrf(page), "unit_id": unit_id, "name": name, "code": code}).encode()
        headers, _ = await step("identify", "POST", f"/c/{slug}/identify", 303, body=data, content_type=form)
        _, page = await step("study", "GET", urlsplit(headers["location"]).path, 200)
        csrf = _csrf(page)
        visit = VISIT_RE.search(page)
        if not visit:
            raise StepFailed("study: no visit")
        await step("heartbeat", "POST", f"/api/c/{slug}/study/{visit.group(1).decode()}", 200,
                   content_type="application/json", headers={"X-CSRF-Token": csrf})
        data = urlencode({"csrf_token": csrf, "visit": visit.group(1).decode()}).encode()
        headers, _ = await step("start", "POST", f"/c/{slug}/start", 303, body=data, content_type=form)
        token_match = TOKEN_RE.search(urlsplit(headers["location"]).path)
        if not token_match:
            raise StepFailed("start: no token")
        token = token_match.group(1)
        acked = stats.acked_answers.setdefault(token, {})
        number = 1
        while True:
            _, page = await step("question", "GET", f"/a/{token}/q/{number}", 200)
            position = number - 1
            inputs = [(m.group(1), m.group(3)) for m in INPUT_RE.finditer(page) if int(m.group(2)) == position]
            if not inputs:
                raise StepFailed("question: no inputs")
            response = _response_for(inputs, rng)
            body = json.dumps({"response": response}).encode()
            await step("autosave", "POST", f"/api/attempts/{token}/answers/{position}", 200, body=body,
                       content_type="application/json", headers={"X-CSRF-Token": _csrf(page)})
            acked[position] = response
            if b'name="go" value="next"' not in page:
                break
            number += 1
        _, page = await step("review", "GET", f"/a/{token}/review", 200)
        data = urlencode({"csrf_token": _csrf(page)}).encode()
        headers, _ = await step("submit", "POST", f"/a/{token}/submit", 303, body=data, content_type=form)
        if not headers["location"].endswith(f"/a/{quote(token)}/result"):
            raise StepFailed("submit: unexpected redirect")
        stats.acked_submits.add(token)
        await step("result", "GET", f"/a/{token}/result", 200)
        stats.completed += 1
    except StepFailed:
        stats.failed += 1
    finally:
        await phone.close()


async def run(base_url: str, slug: str, people: list[tuple[str, int]], *, concurrency: int,
              max_seconds: float, seed: int = 0) -> dict[str, object]:
    """Drive `people` [(name, unit id)] through the flow, `concurrency` at a time, stopping at `max_seconds`."""
    parts = urlsplit(base_url)
    base = (parts.hostname or "127.0.0.1", parts.port or 80)
    stats = Stats()
    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    for person in people:
        queue.put_nowait(person)
    rng = random.Random(seed)
    started = time.perf_counter()
    deadline = started + max_seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            try:
                name, unit_id = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            index = int(name.removeprefix("员工"))
            await employee(base, slug, unit_id, name, f"139{index:08d}"[-4:], stats, rng)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    steps = {}
    for label, values in stats.latencies.items():
        if values:
            ordered = sorted(values)
            steps[label] = {"count": len(values), "p50_ms": round(statistics.median(ordered), 1),
                            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)}
    requests = sum(len(v) for v in stats.latencies.values())
    return {
        "employees": len(people), "completed": stats.completed, "failed": stats.failed,
        "not_started": queue.qsize(), "seconds": round(elapsed, 1), "requests": requests,
        "requests_per_s": round(requests / elapsed, 1), "concurrency": concurrency, "errors": stats.errors,
        "steps": steps, "acked_answers": stats.acked_answers, "acked_submits": sorted(stats.acked_submits),
    }

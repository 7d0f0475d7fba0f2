"""Shared bench machinery: start servers, run wrk, take medians. Loopback only, bounded in time."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
PG_URL = os.environ.get("CEYICE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/ceyice_bench")


def ensure_wrk() -> str:
    """wrk from Debian's package, installed on first use."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up")


class Served(str):
    """The base URL of a running server, which can also say how much CPU its processes have used."""

    pgid: int

    def cpu_seconds(self) -> float:
        """User + system CPU of every process in the server's process group (uvicorn or gunicorn + workers)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # After the command: state ppid pgrp … utime (12th) stime (13th).
            if int(fields[2]) == self.pgid:
                total += int(fields[11]) + int(fields[12])
        return total / ticks


@contextmanager
def serve(app_spec: str, *, workers: int = 1, env: dict[str, str] | None = None, factory: bool = False,
          health: str = "/healthz") -> Iterator[Served]:
    """Run `app_spec` like production: uvicorn for one process, gunicorn + uvicorn workers for more."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    if workers == 1:
        cmd = [sys.executable, "-m", "uvicorn", app_spec, "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--no-access-log"]
        if factory:
            cmd.append("--factory")
    else:
        target = f"{app_spec}()" if factory else app_spec
        cmd = [sys.executable, "-m", "gunicorn", target, "-k", "uvicorn.workers.UvicornWorker", "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, start_new_session=True)
    base = Served(f"http://127.0.0.1:{port}")
    base.pgid = proc.pid
    try:
        wait_http(base + health)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class WrkRun:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    requests: int
    issued: int = 0
    wrapped: int = 0
    server_cpu_ms_per_request: float = 0.0


_LATENCY_JSON = re.compile(r"^BENCHJSON (.*)$", re.M)
_POOL_JSON = re.compile(r"^BENCHPOOL (.*)$", re.M)
LUA_DIR = BENCH / "lua"


def lua(name: str) -> str:
    """A bench Lua script with the shared pool loader (lua/common.lua) in front of it."""
    return (LUA_DIR / "common.lua").read_text() + "\n" + (LUA_DIR / f"{name}.lua").read_text()
DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCHJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p99_us\\": %d, \\"errors\\": %d, \\"status\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
  if threads then
    local issued, wrapped = 0, 0
    for _, t in ipairs(threads) do
      issued = issued + (t:get("issued") or 0)
      wrapped = wrapped + (t:get("wrapped") or 0)
    end
    io.write(string.format("BENCHPOOL {\\"issued\\": %d, \\"wrapped\\": %d}\\n", issued, wrapped))
  end
end
"""


def run_wrk(url: str, *, connections: int = 64, seconds: int = 10, threads: int = 2,
            script: str | None = None, args: Sequence[str] = (), server: Served | None = None) -> WrkRun:
    """One wrk run; `script` is Lua (request/response hooks) to which the summary hook is appended.

    `args` go to the script's init(args) after `--`.
    """
    wrk = ensure_wrk()
    cpu_before = server.cpu_seconds() if server is not None else 0.0
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write((script or "") + DONE_LUA)
    try:
        out = subprocess.run(
            [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", lua.name, url,
             "--", *args],
            capture_output=True, text=True, timeout=seconds + 60, check=True,
        ).stdout
    finally:
        os.unlink(lua.name)
    match = _LATENCY_JSON.search(out)
    if not match:
        raise RuntimeError("wrk printed no summary:\n" + out)
    data = json.loads(match.group(1))
    cpu = (server.cpu_seconds() - cpu_before) if server is not None else 0.0
    pool = _POOL_JSON.search(out)
    pool_data = json.loads(pool.group(1)) if pool else {"issued": 0, "wrapped": 0}
    return WrkRun(
        requests_per_s=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["errors"],
        non_2xx=data["status"],
        requests=data["requests"],
        issued=pool_data["issued"],
        wrapped=pool_data["wrapped"],
        # CPU per request barely moves with the other engineers' load, unlike requests per second.
        server_cpu_ms_per_request=cpu * 1000 / data["requests"] if data["requests"] else 0.0,
    )


@dataclass
class Figure:
    """Several runs of one measurement, summarised as median with min and max."""

    name: str
    runs: list[float] = field(default_factory=list)
    unit: str = "req/s"
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    def row(self, ceiling: float | None = None) -> str:
        ratio = f"{self.median / ceiling:.2f}" if ceiling else "—"
        return (f"| {self.name} | {self.median:,.1f} | {min(self.runs):,.1f} | {max(self.runs):,.1f} | "
                f"{ratio} | {self.unit} |")


def median_of(values: Sequence[float]) -> float:
    return statistics.median(values)


def save(name: str, payload: object) -> Path:
    """Write a run's figures to bench/results/<name>.json (ignored by git)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=lambda o: asdict(o)), encoding="utf-8")
    return path

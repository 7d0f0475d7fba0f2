"""Run every bench: wrk figures against the bare ceiling, the 10,000-employee scenario, reports, generation.

Usage (see bench/README.md):  .venv/bin/python bench/run_all.py [--quick] [--db sqlite,postgresql]
    [--workers 1,2] [--runs 3] [--seconds 10] [--employees 10000] [--skip-flow] [--skip-extra]
Writes bench/results/<db>-<n>p.json per configuration, bench/results/summary.md, and fails (exit 1)
when any correctness check fails. Loopback only; every load is bounded in time and in requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check
import flow
import harness
import seed

BARE_POST = """
request = function()
  return wrk.format("POST", "/bare", {["Content-Type"] = "application/json"}, "{\\"response\\": 1}")
end
"""
WRK_FIGURES = ("bare_get", "bare_post", "question", "study", "autosave", "submit")


def _pool_file(directory: Path, name: str, rows: list[dict[str, Any]]) -> str:
    path = directory / f"{name}.txt"
    path.write_text("".join(
        f"{r['token']} {r['cookie']} {r['csrf']} {''.join(k[0] for k in r['kinds'])} "
        f"{','.join(str(n) for n in r['options'])}\n" for r in rows), encoding="utf-8")
    return str(path)


def _machine() -> dict[str, str]:
    def sh(cmd: str) -> str:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()

    return {"nproc": sh("nproc"), "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
            "memory": sh("free -h | awk '/Mem:/ {print $2}'"), "uptime": sh("uptime")}


def run_config(db_kind: str, workers: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """One database × process count: seed, then `runs` rounds of every wrk figure, then the scenario."""
    sqlite_path = work / "bench.db"
    url = f"sqlite:///{sqlite_path}" if db_kind == "sqlite" else harness.PG_URL
    secret = secrets.token_urlsafe(48)
    autosave_pool = args.autosave_pool
    submit_pool = max(3000, args.seconds * 1500)  # every submit a fresh attempt: ~600/s seen, room to spare
    people = max(args.employees, args.runs * (autosave_pool + submit_pool))
    print(f"\n== {db_kind}, {workers} process(es): seeding {people:,} people", flush=True)
    started = time.perf_counter()
    seed.reset(url, sqlite_path)
    db = seed.build(url, secret, people=people)
    pools = []
    for r in range(args.runs):
        first = r * (autosave_pool + submit_pool)
        auto = seed.open_attempts(db, slug=db.pool_slug, first=first, count=autosave_pool, answered=False, seed=r)
        sub = seed.open_attempts(db, slug=db.pool_slug, first=first + autosave_pool, count=submit_pool,
                                 answered=True, seed=100 + r)
        pools.append((auto, sub, _pool_file(work, f"auto{r}", auto), _pool_file(work, f"sub{r}", sub)))
    print(f"   seeded in {time.perf_counter() - started:.1f} s", flush=True)

    env = {"CEYICE_DATABASE_URL": url, "CEYICE_SECRET_KEY": secret, "CEYICE_DATA_DIR": str(work),
           "CEYICE_ENV": "production"}
    if args.app_src:
        # Serve another checkout's app (e.g. `git archive main app templates static alembic questions`) for a
        # before/after comparison; seeding and checks still use this checkout's models (same schema).
        # `python -m` puts the working directory first on sys.path, so the server also runs from there.
        env["PYTHONPATH"] = str(Path(args.app_src).resolve())
    figures: dict[str, list[dict[str, Any]]] = {name: [] for name in WRK_FIGURES}
    checks: list[dict[str, Any]] = []
    wrk = {"connections": args.connections, "seconds": args.seconds}
    with harness.serve("bare_app:app", workers=workers, health="/bare",
                       env={"PYTHONPATH": str(harness.BENCH)}) as bare, \
            harness.serve("app.main:create_app", workers=workers, factory=True, env=env,
                          cwd=Path(args.app_src).resolve() if args.app_src else harness.REPO) as app:
        for r, (auto, sub, auto_file, sub_file) in enumerate(pools):
            pool_args = [auto_file, "2", db.pool_slug]

            def measure(name: str, base: harness.Served, path: str, verify: Any = None, **kw: Any) -> None:
                result = harness.run_wrk(base + path, server=base, **wrk, **kw)
                figures[name].append(vars(result))
                verdict = ""
                if verify is not None:
                    checks.append({"figure": name, "run": r + 1, **verify(result)})  # noqa: B023
                    verdict = "  check " + ("OK" if checks[-1]["ok"] else f"FAIL {checks[-1]['problems']}")
                print(f"   run {r + 1} {name:9s} {result.requests_per_s:8.1f} req/s  p99 {result.p99_ms:7.1f} ms  "  # noqa: B023
                      f"cpu {result.server_cpu_ms_per_request:5.2f} ms/req  non-2xx {result.non_2xx}  "
                      f"errors {result.errors}{verdict}", flush=True)

            measure("bare_get", bare, "/bare")
            measure("bare_post", bare, "/bare", script=BARE_POST)
            measure("question", app, "/", script=harness.lua("question"), args=pool_args)
            before = check.study_rows(url)
            measure("study", app, "/", lambda res: check.check_study(url, before, res),  # noqa: B023
                    script=harness.lua("study"), args=pool_args)
            measure("autosave", app, "/", lambda res: check.check_autosave_pool(url, [a["id"] for a in auto], res),  # noqa: B023
                    script=harness.lua("autosave"), args=pool_args)
            measure("submit", app, "/",
                    lambda res: check.check_submit_pool(url, db.pool_slug, [a["id"] for a in sub], res),  # noqa: B023
                    script=harness.lua("submit"), args=[sub_file, "2", db.pool_slug])

        scenario = None
        if args.employees and not args.skip_flow:
            people_rows = seed.person_ids(seed.create_engine(seed.sqlalchemy_url(url)), 0, args.employees)
            print(f"   scenario: {args.employees:,} employees, {args.flow_concurrency} at a time", flush=True)
            outcome = asyncio.run(flow.run(app, db.flow_slug, [(name, unit) for _, unit, name in people_rows],
                                           concurrency=args.flow_concurrency, max_seconds=args.flow_max_seconds))
            verdict = check.check_flow(url, db.flow_slug, outcome)
            outcome.pop("acked_answers")
            outcome.pop("acked_submits")
            scenario = {**outcome, "check": verdict}
            print(f"   scenario: {outcome['completed']:,} completed, {outcome['failed']} failed, "
                  f"{outcome['not_started']} not started in {outcome['seconds']} s "
                  f"({outcome['requests_per_s']} req/s); check {'OK' if verdict['ok'] else 'FAIL'} "
                  f"{verdict['problems']}", flush=True)
            for step, s in outcome["steps"].items():  # type: ignore[union-attr]
                print(f"      {step:13s} p50 {s['p50_ms']:7.1f} ms  p99 {s['p99_ms']:7.1f} ms  ({s['count']:,})")
            if outcome["errors"]:
                print(f"      errors: {outcome['errors']}")
    return {"db": db_kind, "workers": workers, "people": people, "wrk": wrk, "figures": figures,
            "checks": checks, "scenario": scenario}


def _extra(args: argparse.Namespace) -> dict[str, Any]:
    """Generation (existing script) and, when the reports team's script is present, the reports bench."""
    out: dict[str, Any] = {}
    gen = subprocess.run([sys.executable, str(harness.BENCH / "generate_bench.py"), "--runs", str(args.runs)],
                         capture_output=True, text=True, cwd=harness.REPO, timeout=900)
    out["generation"] = gen.stdout + gen.stderr
    print(gen.stdout, flush=True)
    reports = harness.BENCH / "reports_bench.py"
    if args.skip_reports:
        out["reports"] = "skipped (--skip-reports)"
    elif reports.exists():
        rep = subprocess.run([sys.executable, str(reports), "--runs", str(args.runs)], capture_output=True, text=True,
                             cwd=harness.REPO, timeout=3600)
        out["reports"] = rep.stdout + rep.stderr
        print(rep.stdout, flush=True)
    else:
        out["reports"] = "bench/reports_bench.py not present"
    return out


def summary(results: list[dict[str, Any]]) -> str:
    """Markdown tables: median, min, max and ratio to the bare endpoint of the same configuration."""
    lines = []
    for res in results:
        figs = res["figures"]
        bare = {"get": harness.median_of([r["requests_per_s"] for r in figs["bare_get"]]),
                "post": harness.median_of([r["requests_per_s"] for r in figs["bare_post"]])}
        lines += [f"\n### {res['db']}, {res['workers']} process(es), {res['wrk']['connections']} connections, "
                  f"{res['wrk']['seconds']} s × {len(figs['bare_get'])} runs\n",
                  "| figure | median req/s | min | max | ratio to bare | p99 ms (median) | server CPU ms/req "
                  "| non-2xx | checks |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name in WRK_FIGURES:
            runs = figs[name]
            rps = [r["requests_per_s"] for r in runs]
            ceiling = bare["post"] if name in ("autosave", "submit", "bare_post") else bare["get"]
            verdicts = [c["ok"] for c in res["checks"] if c["figure"] == name]
            ok = ("OK" if all(verdicts) else "FAIL") if verdicts else "—"
            lines.append(f"| {name} | {harness.median_of(rps):,.0f} | {min(rps):,.0f} | {max(rps):,.0f} | "
                         f"{harness.median_of(rps) / ceiling:.2f} | "
                         f"{harness.median_of([r['p99_ms'] for r in runs]):.0f} | "
                         f"{harness.median_of([r['server_cpu_ms_per_request'] for r in runs]):.2f} | "
                         f"{sum(r['non_2xx'] + r['errors'] for r in runs)} | {ok} |")
        sc = res.get("scenario")
        if sc:
            lines += [f"\nScenario: {sc['completed']:,}/{sc['employees']:,} employees completed in {sc['seconds']} s, "
                      f"{sc['failed']} failed, {sc['requests']:,} requests ({sc['requests_per_s']} req/s), "
                      f"{sc['concurrency']} at a time; check {'OK' if sc['check']['ok'] else 'FAIL'} "
                      f"({sc['check']['acked_answers']:,} acknowledged answers, {sc['check']['stored_answers']:,} "
                      f"stored; {sc['check']['acked_submits']:,} acknowledged submits)\n",
                      "| step | p50 ms | p99 ms | requests |", "|---|---|---|---|"]
            lines += [f"| {k} | {v['p50_ms']} | {v['p99_ms']} | {v['count']:,} |" for k, v in sc["steps"].items()]
            if sc["errors"]:
                lines.append(f"\nErrors: {sc['errors']}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run: 1 run of 3 s, 200 employees")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--flow-concurrency", type=int, default=64)
    parser.add_argument("--flow-max-seconds", type=float, default=1800)
    parser.add_argument("--autosave-pool", type=int, default=1000)
    parser.add_argument("--skip-flow", action="store_true")
    parser.add_argument("--skip-extra", action="store_true", help="skip generation and reports")
    parser.add_argument("--skip-reports", action="store_true", help="skip reports_bench.py (1,000,000 attempts)")
    parser.add_argument("--app-src", default="", help="serve the app from this directory instead (baseline)")
    parser.add_argument("--tag", default="", help="suffix for the result files")
    args = parser.parse_args()
    # A terminated run still stops its servers (the `serve` context managers run their cleanup).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.runs, args.seconds, args.employees, args.flow_max_seconds = 1, 3, 200, 300
    harness.ensure_wrk()
    machine = _machine()
    print(f"machine: {machine}", flush=True)
    results = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="ceyice-bench-") as tmp:
        for db_kind in args.db.split(","):
            for workers in (int(w) for w in args.workers.split(",")):
                res = run_config(db_kind, workers, args, Path(tmp))
                res["machine"] = machine
                results.append(res)
                harness.save(f"{db_kind}-{workers}p{args.tag}", res)
                failed |= not all(c["ok"] for c in res["checks"])
                failed |= bool(res["scenario"]) and not res["scenario"]["check"]["ok"]
    extra = {} if args.skip_extra else _extra(args)
    text = f"Machine: {json.dumps(machine, ensure_ascii=False)}\n" + summary(results)
    if extra:
        harness.save(f"extra{args.tag}", extra)
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    (harness.RESULTS / f"summary{args.tag}.md").write_text(text, encoding="utf-8")
    print(text)
    if failed:
        print("CORRECTNESS CHECK FAILED", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Exports of big views run as background jobs: a progress page, then a download of the same workbook."""

import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.accounts.models import Job, JobStatus, Role
from app.banks import jobs as bank_jobs
from app.banks.jobs import Sessions
from app.reports import exports, jobs
from app.reports.dependencies import export_runner, exports_directory
from tests.reports import fixture
from tests.reports.fixture import World
from tests.support import factories
from tests.support.web import csrf_from, login


class InlineRunner(jobs.Runner):
    """Runs the job at once in the test's transaction, through the same code the thread runs."""

    def start(self, job_id: int) -> None:
        jobs.run_export(self.sessions, job_id, self.directory)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "exports"


@pytest.fixture
def app(app: FastAPI, session: Session, directory: Path) -> FastAPI:
    @contextmanager
    def joined() -> Iterator[Session]:
        yield session
        session.commit()
        # The job's own sessions are fresh ones: let the next page read what it wrote, not stale objects.
        session.expire_all()

    sessions: Sessions = joined
    app.dependency_overrides[export_runner] = lambda: InlineRunner(sessions=sessions, directory=directory)
    app.dependency_overrides[exports_directory] = lambda: directory
    return app


@pytest.fixture
def world(session: Session) -> World:
    made = fixture.build(session)
    factories.admin(session, "organiser")
    factories.admin(session, "jiaxiang", role=Role.LIAISON, in_unit=made.units["甲乡"])
    session.flush()
    return made


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def start_export(client: TestClient, world: World, query: str = "") -> Any:
    page = client.get(f"/admin/reports/{world.campaign.id}{query}")
    return client.post(f"/admin/reports/{world.campaign.id}/exports{query}", data={"csrf_token": csrf_from(page)},
                       follow_redirects=False)


def test_a_big_view_offers_the_background_export(client: TestClient, world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    page = client.get(f"/admin/reports/{world.campaign.id}")
    assert page.context["export_in_background"] is False  # type: ignore[attr-defined]
    assert f"/admin/reports/{world.campaign.id}/export.xlsx" in page.text
    monkeypatch.setattr(jobs, "DIRECT_LIMIT", 10)  # the campaign has 11 people on the roster
    page = client.get(f"/admin/reports/{world.campaign.id}")
    assert page.context["export_in_background"] is True  # type: ignore[attr-defined]
    root = world.units[fixture.ROOT].id
    assert f'<form method="post" action="http://testserver/admin/reports/{world.campaign.id}/exports?unit={root}"' \
        in page.text


def test_the_background_export_is_the_same_workbook(client: TestClient, world: World, session: Session,
                                                    directory: Path) -> None:
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    started = start_export(client, world)
    assert started.status_code == 303
    progress = client.get(started.headers["location"])
    assert progress.status_code == 200
    assert progress.template.name == "reports/export_job.html"  # type: ignore[attr-defined]
    job = progress.context["job"]  # type: ignore[attr-defined]
    assert progress.context["state"]["status"] == "done" and "下载 Excel" in progress.text  # type: ignore[attr-defined]
    assert job.total > 0 and job.done == job.total
    status = client.get(f"/admin/reports/{world.campaign.id}/exports/{job.id}/status").json()
    assert (status["status"], status["percent"]) == ("done", 100)

    download = client.get(f"/admin/reports/{world.campaign.id}/exports/{job.id}/file")
    assert download.status_code == 200
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    direct = io.BytesIO()
    exports.write_xlsx(session, world.campaign, direct)
    assert sheets(download.content) == sheets(direct.getvalue())
    assert [p.name for p in directory.iterdir()] == [job.result["file"]]  # no leftover part file


def test_a_liaison_exports_their_subtree_and_nobody_else_sees_the_job(client: TestClient, world: World) -> None:
    assert login(client, "jiaxiang", factories.PASSWORD).status_code == 303
    started = start_export(client, world)
    job_url = started.headers["location"]
    content = client.get(f"{job_url}/file").content
    people = {row[1] for row in sheets(content)["人员明细"][1:]}
    assert people == {"A1", "A2", "A3", "B1", "B3"}
    outside = start_export(client, world, f"?unit={world.units['乙局'].id}")
    assert outside.status_code == 403

    client.cookies.clear()
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    assert client.get(job_url).status_code == 404
    assert client.get(f"{job_url}/file").status_code == 404


def test_a_failed_export_says_so_and_leaves_no_file(client: TestClient, world: World, directory: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        handle = args[2]
        assert hasattr(handle, "write")
        handle.write(b"half a workbook")  # type: ignore[attr-defined]
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    assert login(client, "organiser", factories.PASSWORD).status_code == 303
    progress = client.get(start_export(client, world).headers["location"])
    state = progress.context["state"]  # type: ignore[attr-defined]
    assert state["status"] == "failed" and state["error"] == jobs.UNEXPECTED
    assert "导出失败" in progress.text
    assert list(directory.iterdir()) == []
    job_id = progress.context["job"].id  # type: ignore[attr-defined]
    missing = client.get(f"/admin/reports/{world.campaign.id}/exports/{job_id}/file")
    assert missing.status_code == 404 and "重新导出" in missing.text


def test_old_export_files_are_cleaned_away(session: Session, world: World, tmp_path: Path) -> None:
    old, fresh = tmp_path / "old.xlsx", tmp_path / "fresh.xlsx"
    for path in (old, fresh, tmp_path / "notes.txt"):
        path.write_bytes(b"x")
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(old, (week_ago, week_ago))
    os.utime(tmp_path / "notes.txt", (week_ago, week_ago))
    assert jobs.clean_exports(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.xlsx", "notes.txt"]
    assert jobs.clean_exports(tmp_path / "missing") == 0


def test_progress_is_written_to_the_job_as_rows_are_written(session: Session, world: World, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    organiser = factories.admin(session, "another")
    job = jobs.create_export_job(session, campaign=world.campaign, unit=None, actor=organiser, filename="x.xlsx")
    seen: list[tuple[int, int, str]] = []

    @contextmanager
    def joined() -> Iterator[Session]:
        yield session
        session.flush()
        refreshed = session.get(Job, job.id)
        assert refreshed is not None
        session.refresh(refreshed)
        seen.append((refreshed.done, refreshed.total, refreshed.stage))

    monkeypatch.setattr(bank_jobs, "PROGRESS_INTERVAL_SECONDS", 0)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    sessions: Sessions = joined
    jobs.run_export(sessions, job.id, tmp_path)
    stages = [stage for _, _, stage in seen]
    assert "正在写人员明细" in stages and stages[-1] == "完成"
    assert all(done <= total for done, total, _ in seen)
    session.refresh(job)
    assert job.status == JobStatus.DONE

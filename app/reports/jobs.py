"""Exports of large views as background jobs: the workbook is written to a file, a page shows the progress.

A workbook of a town with tens of thousands of people takes seconds to write; the organiser sees a
progress bar instead of a browser that seems to hang, and downloads the file when it is done. The job
runs outside any request with its own sessions (as bank generation does, app.banks.jobs): one that reads
the whole export, and short ones that write progress, committed at once so the polling page sees them.
"""

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.accounts.models import AdminUser, Job, JobStatus, Unit
from app.banks.jobs import JobNotFound, Sessions, fail_job, progress_recorder
from app.core.exceptions import AppError
from app.core.timeutil import utc_now
from app.quiz.campaigns import get_campaign
from app.quiz.models import Campaign
from app.reports import exports
from app.reports.exceptions import ExportExpired

log = logging.getLogger("ceyice.jobs")

EXPORT_KIND = "export_xlsx"
# Views with more people than this are exported in the background (a few seconds and more); smaller ones
# are sent at once.
DIRECT_LIMIT = 5000
# Finished files are kept this long, then removed when the next export starts.
KEEP = timedelta(days=1)
UNEXPECTED = "导出时出现意外错误（已记录日志），请稍后重试；如仍失败请联系技术支持。"


@dataclass
class Runner:
    """Starts export jobs in their own thread, writing files into `directory`."""

    sessions: Sessions
    directory: Path

    def start(self, job_id: int) -> None:
        threading.Thread(target=run_export, args=(self.sessions, job_id, self.directory),
                         name=f"ceyice-export-{job_id}", daemon=True).start()


def create_export_job(session: Session, *, campaign: Campaign, unit: Unit | None, actor: AdminUser,
                      filename: str) -> Job:
    """A pending job that will write the campaign's workbook for `unit` (None: every unit)."""
    job = Job(kind=EXPORT_KIND, status=JobStatus.PENDING, stage="等待开始", created_by_id=actor.id,
              result={"campaign_id": campaign.id, "unit_id": unit.id if unit else None, "filename": filename,
                      # Unguessable, so a file name alone never leads to someone else's export.
                      "file": f"{secrets.token_hex(12)}.xlsx"})
    session.add(job)
    session.flush()
    return job


def get_export_job(session: Session, job_id: int, *, campaign: Campaign, user: AdminUser) -> Job:
    """An export job of this campaign, started by this user (nobody else sees it)."""
    job = session.get(Job, job_id)
    if (job is None or job.kind != EXPORT_KIND or job.created_by_id != user.id
            or job.result.get("campaign_id") != campaign.id):
        raise JobNotFound()
    return job


def export_state(job: Job) -> dict[str, Any]:
    """What the progress page and its JSON endpoint show."""
    percent = 100 if job.status == JobStatus.DONE else (int(job.done * 100 / job.total) if job.total else 0)
    return {"status": str(job.status), "done": job.done, "total": job.total, "percent": min(percent, 100),
            "stage": job.stage, "error": job.error}


def export_file(directory: Path, job: Job) -> Path:
    """The finished workbook of a job; refused once it has been cleaned away."""
    path = directory / str(job.result["file"])
    if job.status != JobStatus.DONE or not path.is_file():
        raise ExportExpired()
    return path


def clean_exports(directory: Path, *, keep: timedelta = KEEP) -> int:
    """Remove workbooks (and unfinished parts) older than `keep`; how many were removed."""
    if not directory.is_dir():
        return 0
    cutoff = time.time() - keep.total_seconds()
    removed = 0
    for path in directory.iterdir():
        if path.suffix in (".xlsx", ".part") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def run_export(sessions: Sessions, job_id: int, directory: Path) -> None:
    """Do the work of an export job; never raises (failures are written to the job)."""
    try:
        with sessions() as session:
            job = session.get_one(Job, job_id)
            spec = dict(job.result)
            job.status, job.stage = JobStatus.RUNNING, "正在汇总各单位数据"
        directory.mkdir(parents=True, exist_ok=True)
    except Exception:
        log.exception("export job %s could not start", job_id)
        fail_job(sessions, job_id, UNEXPECTED)
        return

    progress = progress_recorder(sessions, job_id)
    final = directory / str(spec["file"])
    partial = final.with_suffix(".part")
    try:
        with sessions() as session:
            campaign = get_campaign(session, int(spec["campaign_id"]))
            unit = session.get_one(Unit, int(spec["unit_id"])) if spec.get("unit_id") else None
            with partial.open("wb") as handle:
                exports.write_xlsx(session, campaign, handle, within=unit, progress=progress)
        partial.replace(final)
        with sessions() as session:
            job = session.get_one(Job, job_id)
            job.status, job.stage, job.finished_at = JobStatus.DONE, "完成", utc_now()
            job.done = job.total = max(job.total, 1)
    except AppError as exc:
        fail_job(sessions, job_id, exc.message)
    except Exception:
        log.exception("export job %s failed", job_id)
        fail_job(sessions, job_id, UNEXPECTED)
    finally:
        partial.unlink(missing_ok=True)

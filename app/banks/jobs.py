"""Generating a bank from a report as a background job whose progress a page can poll.

The job runs outside any request, so it opens its own short sessions: one per progress update
(committed at once so the polling page sees it) and one for the finished bank.
"""

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts import service as accounts_service
from app.accounts.models import AdminUser, Job, JobStatus
from app.banks.models import Report
from app.banks.service import get_report, import_bank
from app.core.exceptions import NotFound
from app.core.timeutil import utc_now

log = logging.getLogger("ceyice.jobs")

GENERATE_KIND = "generate_bank"
# Progress writes at most this often: enough for a smooth bar, few enough not to load SQLite.
PROGRESS_INTERVAL_SECONDS = 0.4
UNEXPECTED = "生成题库时出现意外错误（已记录日志）。请确认报告是完整的正文文本后重试；如仍失败请联系技术支持。"

Sessions = Callable[[], AbstractContextManager[Session]]


class JobNotFound(NotFound):
    message = "没有找到这个任务，可能已被清理。"


def create_generation_job(session: Session, *, report: Report, actor: AdminUser | None, seed: int = 0,
                          title: str = "") -> Job:
    """A pending job that will generate a bank from this report."""
    job = Job(kind=GENERATE_KIND, status=JobStatus.PENDING, stage="等待开始",
              result={"report_id": report.id, "seed": seed, "title": title or report.title},
              created_by_id=actor.id if actor else None)
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, job_id: int, kind: str) -> Job:
    """A job of this kind."""
    job = session.get(Job, job_id)
    if job is None or job.kind != kind:
        raise JobNotFound()
    return job


def job_state(job: Job) -> dict[str, Any]:
    """What the progress page and its JSON endpoint show."""
    percent = 100 if job.status == JobStatus.DONE else (int(job.done * 100 / job.total) if job.total else 0)
    return {"status": str(job.status), "done": job.done, "total": job.total, "percent": min(percent, 100),
            "stage": job.stage, "error": job.error, "bank_id": job.result.get("bank_id")}


def run_generation(sessions: Sessions, job_id: int) -> None:
    """Do the work of a generation job; never raises (failures are written to the job)."""
    try:
        with sessions() as session:
            job = session.get_one(Job, job_id)
            report = get_report(session, int(job.result["report_id"]))
            text, title, seed = report.text, str(job.result.get("title") or report.title), int(job.result["seed"])
            job.status, job.stage = JobStatus.RUNNING, "读取报告"
    except Exception:
        log.exception("generation job %s could not start", job_id)
        fail_job(sessions, job_id, UNEXPECTED)
        return

    progress = progress_recorder(sessions, job_id)
    try:
        result = qlib.generate(text, title=title, seed=seed, progress=progress)
        if not result.bank.questions:
            raise qlib.QuestionsError("没有从这份报告中生成任何题目：正文可能太短，或缺少数字、列举等可出题的内容。"
                                      "请确认上传的是报告全文。")
        with sessions() as session:
            job = session.get_one(Job, job_id)
            report = get_report(session, int(job.result["report_id"]))
            bank = import_bank(session, bank_file=result.bank, report=report)
            actor = session.get(AdminUser, job.created_by_id) if job.created_by_id else None
            accounts_service.audit(session, actor=actor, action="bank_generated", target_type="bank",
                                   target_id=bank.id, detail={"report_id": report.id,
                                                              "questions": len(result.bank.questions)})
            job.status, job.stage, job.finished_at = JobStatus.DONE, "完成", utc_now()
            job.done = job.total = max(job.total, 1)
            job.result = {**job.result, "bank_id": bank.id, "summary": result.stats.summary(),
                          "questions": len(result.bank.questions)}
    except qlib.QuestionsError as exc:
        fail_job(sessions, job_id, exc.message)
    except Exception:
        log.exception("generation job %s failed", job_id)
        fail_job(sessions, job_id, UNEXPECTED)


def progress_recorder(sessions: Sessions, job_id: int) -> Callable[[int, int, str], None]:
    """A progress callback for a job's worker thread that writes at most every PROGRESS_INTERVAL_SECONDS."""
    last = 0.0

    def progress(done: int, total: int, stage: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_INTERVAL_SECONDS and done < total:
            return
        last = now
        with sessions() as s:
            s.execute(update(Job).where(Job.id == job_id).values(done=done, total=total, stage=stage[:200]))

    return progress


def fail_job(sessions: Sessions, job_id: int, message: str) -> None:
    """Mark a job failed with the message its page shows; never raises (the worker thread must end quietly).

    If even that write fails, the job stays "running" and the log says why.
    """
    try:
        with sessions() as session:
            session.execute(update(Job).where(Job.id == job_id).values(
                status=JobStatus.FAILED, error=message, stage="失败", finished_at=utc_now()))
    except Exception:
        log.exception("job %s could not be marked failed", job_id)

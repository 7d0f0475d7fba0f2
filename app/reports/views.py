"""Report pages under /admin/reports: campaign and unit dashboards, item analysis, charts, exports."""

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response, StreamingResponse

from app.accounts.dependencies import ScopeDep, ScopedUnit, client_ip, current_admin
from app.accounts.models import Person, Unit
from app.accounts.service import audit
from app.core.exceptions import AppError
from app.core.templating import render
from app.core.timeutil import format_local, utc_now
from app.db.session import SessionDep
from app.quiz import scoring
from app.quiz import service as quiz_service
from app.quiz.models import Attempt, AttemptSource, Campaign
from app.reports import charts, exports, jobs, paper, service
from app.reports import people as people_service
from app.reports import scope as view_scope
from app.reports.brief import write_brief
from app.reports.dependencies import CampaignDep, ExportRunner, ExportsDirectory, FormLists, PersonDep, ViewUnit
from app.reports.exceptions import UnknownExport
from app.reports.items import item_analysis

router = APIRouter(prefix="/admin/reports", dependencies=[Depends(current_admin)])

STATUS_LABELS = {"draft": "草稿", "published": "进行中", "closed": "已结束"}
MISSING_SHOWN = 100
PEOPLE_SHOWN = 500
PAPER_LISTED = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("", name="reports:index")
def index(request: Request, session: SessionDep, scope: ScopeDep) -> Response:
    campaigns = list(session.scalars(select(Campaign).order_by(Campaign.created_at.desc())))
    return render(request, "reports/index.html", {"scope": scope, "campaigns": campaigns, "nav": "reports",
                                                  "status_labels": STATUS_LABELS})


@router.get("/{campaign_id}", name="reports:campaign")
def campaign_page(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep) -> Response:
    return _dashboard(request, session, scope, campaign, scope.unit)


@router.get("/{campaign_id}/units/{unit_id}", name="reports:unit")
def unit_page(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep,
              unit: ScopedUnit) -> Response:
    return _dashboard(request, session, scope, campaign, unit)


def _dashboard(request: Request, session: SessionDep, scope: ScopeDep, campaign: Campaign,
               unit: Unit | None) -> Response:
    summary = service.summarise(session, campaign, within=unit)
    missing = people_service.non_participants(session, campaign, within=unit, limit=MISSING_SHOWN)
    context: dict[str, Any] = {
        "scope": scope, "nav": "reports", "campaign": campaign, "summary": summary, "unit": summary.root,
        "rows": summary.top, "bands": summary.bands,
        "by_rate": service.rank(summary.top, by="rate"), "by_average": service.rank(summary.top, by="average"),
        "missing": missing, "missing_count": summary.total.missing, "missing_shown": MISSING_SHOWN,
        "paper": service.paper_participants(session, campaign, within=unit),
        "target": service.TARGET_RATE, "breadcrumbs": _breadcrumbs(session, scope, summary.root),
        "unit_query": {"unit": summary.root.id} if summary.root else {},
        "status_labels": STATUS_LABELS, "now_label": format_local(utc_now()),
        "min_seconds": quiz_service.MIN_SECONDS_PER_QUESTION,
        # A big view's workbook is written in the background with a progress page (see app.reports.jobs).
        "export_in_background": summary.total.roster > jobs.DIRECT_LIMIT,
    }
    return render(request, "reports/dashboard.html", context)


def _breadcrumbs(session: SessionDep, scope: ScopeDep, unit: Unit | None) -> list[Unit]:
    """Ancestors of the unit the caller may open, top first."""
    if unit is None:
        return []
    ids = [int(part) for part in unit.tree_path.strip("/").split("/")[:-1]]
    found = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    return [found[i] for i in ids if i in found and scope.covers(found[i])]


@router.get("/{campaign_id}/items", name="reports:items")
def items_page(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep,
               unit: ViewUnit) -> Response:
    root = view_scope.view_root(session, campaign, unit)
    items = item_analysis(session, campaign, within=unit)
    return render(request, "reports/items.html", {
        "scope": scope, "nav": "reports", "campaign": campaign, "unit": root, "items": items,
        "flagged": sum(1 for it in items if it.flags),
        "unit_query": {"unit": root.id} if root else {},
    })


@router.get("/{campaign_id}/people", name="reports:people")
def people_page(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep, unit: ViewUnit,
                show: str = "all") -> Response:
    """Everyone of the view with their counted result; `show=fast` keeps those who handed in too fast."""
    root = view_scope.view_root(session, campaign, unit)
    fast_only = show == "fast"
    rows = list(people_service.person_rows(session, campaign, within=unit, fast_only=fast_only,
                                           limit=PEOPLE_SHOWN + 1))
    return render(request, "reports/people.html", {
        "scope": scope, "nav": "reports", "campaign": campaign, "unit": root, "rows": rows[:PEOPLE_SHOWN],
        "more": len(rows) > PEOPLE_SHOWN, "shown_limit": PEOPLE_SHOWN, "show": "fast" if fast_only else "all",
        "fast_count": service.fast_total(session, campaign, within=unit),
        "breadcrumbs": _breadcrumbs(session, scope, root), "min_seconds": quiz_service.MIN_SECONDS_PER_QUESTION,
        "unit_query": {"unit": root.id} if root else {},
    })


@router.get("/{campaign_id}/charts/{chart}.svg", name="reports:chart")
def chart(session: SessionDep, campaign: CampaignDep, unit: ViewUnit, chart: str) -> Response:
    if chart == "participation":
        summary = service.summarise(session, campaign, within=unit, studied=False)
        rows = tuple((r.unit.name, r.total.rate) for r in summary.top if r.total.rate is not None)
        body = charts.participation_chart(rows, service.TARGET_RATE)
    elif chart == "distribution":
        bands = service.score_bands(session, campaign, within=unit)
        body = charts.distribution_chart(tuple((b.label, b.count) for b in bands))
    elif chart == "daily":
        roster = service.summarise(session, campaign, within=unit, studied=False).total.roster
        body = charts.daily_chart(tuple(service.daily_participation(session, campaign, within=unit)), roster)
    else:
        raise UnknownExport("没有这个图表。")
    # Private: the figures belong to a signed-in scope; a short cache spares reloads.
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=60"})


def _filename(campaign: Campaign, unit: Unit | None, label: str, ext: str) -> str:
    stamp = format_local(utc_now(), "%Y%m%d")
    return f"{campaign.title}-{unit.name + '-' if unit else ''}{label}-{stamp}.{ext}"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"export.{name.rsplit('.', 1)[-1]}\"; "
                                   f"filename*=UTF-8''{quote(name)}"}


def _export(media_type: str, name: str, write: Callable[[IO[bytes]], object]) -> Response:
    """Write an export into a spooled file and stream it; the file is closed however the request ends."""
    handle: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    try:
        write(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            while block := handle.read(64 * 1024):
                yield block
        finally:
            handle.close()

    return StreamingResponse(chunks(), media_type=media_type, headers=_attachment(name))


@router.get("/{campaign_id}/export.xlsx", name="reports:export_xlsx")
def export_xlsx(session: SessionDep, campaign: CampaignDep, unit: ViewUnit) -> Response:
    root = view_scope.view_root(session, campaign, unit)
    return _export(XLSX, _filename(campaign, root, "统计", "xlsx"),
                   lambda handle: exports.write_xlsx(session, campaign, handle, within=unit))


@router.post("/{campaign_id}/exports", name="reports:export_start")
def export_start(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep, unit: ViewUnit,
                 runner: ExportRunner, directory: ExportsDirectory) -> Response:
    root = view_scope.view_root(session, campaign, unit)
    jobs.clean_exports(directory)
    job = jobs.create_export_job(session, campaign=campaign, unit=unit, actor=scope.user,
                                 filename=_filename(campaign, root, "统计", "xlsx"))
    # The job reads on its own connection, so it must find its row committed.
    session.commit()
    runner.start(job.id)
    return RedirectResponse(request.url_for("reports:export_job", campaign_id=campaign.id, job_id=job.id),
                            status_code=303)


@router.get("/{campaign_id}/exports/{job_id}", name="reports:export_job")
def export_job(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep,
               job_id: int) -> Response:
    job = jobs.get_export_job(session, job_id, campaign=campaign, user=scope.user)
    unit = session.get(Unit, job.result["unit_id"]) if job.result.get("unit_id") else None
    state = jobs.export_state(job)
    return render(request, "reports/export_job.html", {
        "scope": scope, "nav": "reports", "campaign": campaign, "unit": unit, "job": job, "state": state,
        "running": state["status"] in ("pending", "running"),
    })


@router.get("/{campaign_id}/exports/{job_id}/status", name="reports:export_job_status")
def export_job_status(session: SessionDep, scope: ScopeDep, campaign: CampaignDep, job_id: int) -> Response:
    return JSONResponse(jobs.export_state(jobs.get_export_job(session, job_id, campaign=campaign, user=scope.user)))


@router.get("/{campaign_id}/exports/{job_id}/file", name="reports:export_file")
def export_file(session: SessionDep, scope: ScopeDep, campaign: CampaignDep, job_id: int,
                directory: ExportsDirectory) -> Response:
    job = jobs.get_export_job(session, job_id, campaign=campaign, user=scope.user)
    return FileResponse(jobs.export_file(directory, job), media_type=XLSX,
                        headers=_attachment(str(job.result["filename"])))


@router.get("/{campaign_id}/export.csv", name="reports:export_csv")
def export_csv(session: SessionDep, campaign: CampaignDep, unit: ViewUnit, sheet: str = "people") -> Response:
    if sheet not in exports.SHEETS:
        raise UnknownExport()
    root = view_scope.view_root(session, campaign, unit)
    header, rows = exports.csv_rows(session, campaign, sheet, unit)
    return _export("text/csv; charset=utf-8", _filename(campaign, root, exports.SHEETS[sheet], "csv"),
                   lambda handle: handle.writelines(exports.stream_csv(header, rows)))


@router.get("/{campaign_id}/brief.docx", name="reports:export_docx")
def export_docx(session: SessionDep, campaign: CampaignDep, unit: ViewUnit) -> Response:
    root = view_scope.view_root(session, campaign, unit)
    return _export(DOCX, _filename(campaign, root, "答题简要情况", "docx"),
                   lambda handle: write_brief(session, campaign, handle, within=unit))




# --- paper quizzes (一个都不能少) ----------------------------------------------------------------------

@router.get("/{campaign_id}/units/{unit_id}/paper", name="reports:paper")
def paper_page(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep, unit: ScopedUnit,
               recorded: int | None = None) -> Response:
    snapshot = paper.draw_paper(session, campaign, unit)
    done = None
    if recorded is not None:
        done = session.scalar(select(Attempt).where(Attempt.id == recorded, Attempt.campaign_id == campaign.id,
                                                    Attempt.source == AttemptSource.PAPER))
    waiting = people_service.non_participants(session, campaign, within=unit, limit=PAPER_LISTED)
    return render(request, "reports/paper.html", {
        "scope": scope, "nav": "reports", "campaign": campaign, "unit": unit, "code": paper.paper_code(snapshot),
        "count": len(snapshot), "pdf_available": paper.pdf_available(), "waiting": waiting,
        "waiting_limit": PAPER_LISTED, "done": done,
        "done_person": session.get(Person, done.person_id) if done else None,
    })


@router.get("/{campaign_id}/units/{unit_id}/paper.{fmt}", name="reports:paper_file")
def paper_file(session: SessionDep, campaign: CampaignDep, unit: ScopedUnit, fmt: str) -> Response:
    snapshot = paper.draw_paper(session, campaign, unit)
    writers = {"docx": (DOCX, paper.write_paper_docx), "pdf": ("application/pdf", paper.write_paper_pdf)}
    if fmt not in writers:
        raise UnknownExport("试卷只有 Word（docx）和 PDF 两种格式。")
    media, writer = writers[fmt]
    return _export(media, f"{campaign.title}-{unit.name}-纸质试卷.{fmt}",
                   lambda handle: writer(campaign, unit, snapshot, handle))


@router.get("/{campaign_id}/units/{unit_id}/paper/{person_id}", name="reports:paper_entry")
def paper_entry(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep, unit: ScopedUnit,
                person: PersonDep) -> Response:
    return _entry_page(request, session, scope, campaign, unit, person, {}, None)


def _entry_page(request: Request, session: SessionDep, scope: ScopeDep, campaign: Campaign, unit: Unit,
                person: Person, chosen: dict[str, list[str]], error: str | None) -> Response:
    snapshot = paper.draw_paper(session, campaign, unit)
    items = [{**scoring.public_item(item), "label": paper.kind_label(item["kind"])} for item in snapshot]
    return render(request, "reports/paper_entry.html", {
        "scope": scope, "nav": "reports", "campaign": campaign, "unit": unit, "person": person, "items": items,
        "code": paper.paper_code(snapshot), "chosen": chosen, "error": error, "letters": paper.LETTERS,
        "person_unit": session.get(Unit, person.unit_id),
    }, status_code=422 if error else 200)


@router.post("/{campaign_id}/units/{unit_id}/paper/{person_id}", name="reports:paper_record")
def paper_record(request: Request, session: SessionDep, scope: ScopeDep, campaign: CampaignDep, unit: ScopedUnit,
                 person: PersonDep, form: FormLists) -> Response:
    snapshot = paper.draw_paper(session, campaign, unit)
    if quiz_service.attempts_left(session, campaign=campaign, person_id=person.id) <= 0:
        message = f"{person.name}已答满{campaign.max_attempts}次，不能再录入纸质答卷。"
        return _entry_page(request, session, scope, campaign, unit, person, form, message)
    try:
        responses = paper.parse_responses(snapshot, form)
        # The printed paper is the snapshot: grade exactly what the person saw on it.
        attempt = quiz_service.record_paper_attempt(
            session, campaign=campaign, person=person, responses=responses, recorded_by=scope.user,
            rng=paper.paper_rng(campaign, unit), snapshot=snapshot,
        )
    except AppError as exc:
        return _entry_page(request, session, scope, campaign, unit, person, form, exc.message)
    audit(session, actor=scope.user, action="paper_attempt_recorded", target_type="attempt", target_id=attempt.id,
          detail={"person_id": person.id, "score": attempt.score}, ip=client_ip(request))
    target = request.url_for("reports:paper", campaign_id=campaign.id, unit_id=unit.id)
    return RedirectResponse(str(target.include_query_params(recorded=attempt.id)), status_code=303)

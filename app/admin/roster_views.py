"""The roster: units as a tree and their people; import with preview; deactivating people."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from app.accounts import roster, roster_template
from app.accounts import service as accounts_service
from app.accounts.dependencies import ScopeDep, ScopedUnit, client_ip
from app.accounts.models import Job, JobStatus
from app.admin import service
from app.admin.banks_views import XLSX, download
from app.admin.dependencies import ROSTER_IMPORT, ScopedImportJob, ScopedPerson, flash
from app.core.config import Settings
from app.core.exceptions import Conflict
from app.core.templating import render
from app.core.timeutil import utc_now
from app.db.session import SessionDep

router = APIRouter()


class ImportAlreadyDone(Conflict):
    message = "这份名单已经导入过了。如需再次导入，请重新上传文件。"


def _roster_page(request: Request, session: SessionDep, scope: ScopeDep, *, error: str | None = None) -> Response:
    units = accounts_service.list_units(session, within=scope.unit)
    base_depth = scope.unit.depth if scope.unit else 0
    return render(request, "admin/roster.html", {
        "scope": scope, "nav": "roster", "units": units, "base_depth": base_depth,
        "counts": service.people_counts(session, units),
        "liaisons": service.liaisons_by_unit(session) if scope.is_admin else {}, "error": error,
    }, status_code=422 if error else 200)


@router.get("/roster", name="admin:roster")
def roster_index(request: Request, session: SessionDep, scope: ScopeDep) -> Response:
    return _roster_page(request, session, scope)


@router.get("/roster/units/{unit_id}", name="admin:unit")
def unit_page(request: Request, unit: ScopedUnit, session: SessionDep, scope: ScopeDep) -> Response:
    children = [u for u in accounts_service.list_units(session, within=unit) if u.parent_id == unit.id]
    parent = session.get(type(unit), unit.parent_id) if unit.parent_id else None
    return render(request, "admin/unit.html", {
        "scope": scope, "nav": "roster", "unit": unit, "people": service.people_of(session, unit),
        "children": children, "counts": service.people_counts(session, children),
        "parent": parent if parent and scope.covers(parent) else None,
        "liaisons": service.list_admin_users(session, unit=unit) if scope.is_admin else [],
        "error": None, "form": {},
    })


@router.post("/roster/people/{person_id}/active", name="admin:person_active")
def person_active(request: Request, person: ScopedPerson, session: SessionDep, scope: ScopeDep,
                  active: Annotated[str, Form()]) -> Response:
    on = active == "1"
    roster.set_active(session, person, on)
    accounts_service.audit(session, actor=scope.user, action="person_reactivated" if on else "person_deactivated",
                           target_type="person", target_id=person.id, detail={"name": person.name},
                           ip=client_ip(request))
    flash(request, f"已恢复 {person.name}。" if on else f"已停用 {person.name}：保留历史记录，不再计入参与率。")
    return RedirectResponse(request.url_for("admin:unit", unit_id=person.unit_id), status_code=303)


@router.get("/roster-template.xlsx", name="admin:roster_template_xlsx")
def roster_template_xlsx(scope: ScopeDep) -> Response:
    return download(roster_template.template_xlsx(scope.unit), "人员名单模板.xlsx", XLSX)


@router.get("/roster-template.csv", name="admin:roster_template_csv")
def roster_template_csv(scope: ScopeDep) -> Response:
    return download(roster_template.template_csv(scope.unit), "人员名单模板.csv", "text/csv; charset=utf-8")


@router.post("/roster/import", name="admin:roster_import")
async def roster_import(request: Request, session: SessionDep, scope: ScopeDep,
                        file: Annotated[UploadFile, File()]) -> Response:
    settings: Settings = request.app.state.settings
    data = await file.read(settings.max_upload_bytes + 1)
    try:
        if len(data) > settings.max_upload_bytes:
            raise roster.RosterFileError(f"文件过大，上限为 {settings.max_upload_bytes // 1_000_000} MB。")
        table = roster.read_table(data, file.filename or "", max_rows=settings.max_roster_rows)
        result = roster.preview(session, table, filename=file.filename or "", within=scope.unit)
    except roster.RosterFileError as exc:
        return _roster_page(request, session, scope, error=exc.message)
    # The parsed rows stay on the server until the uploader confirms; the cookie only carries the job id.
    job = Job(kind=ROSTER_IMPORT, status=JobStatus.PENDING, stage="待确认", result=result.to_dict(),
              total=len(result.rows), created_by_id=scope.user.id)
    session.add(job)
    session.flush()
    return RedirectResponse(request.url_for("admin:roster_preview", job_id=job.id), status_code=303)


def _preview_page(request: Request, job: Job, scope: ScopeDep, *, error: str | None = None) -> Response:
    done = job.status == JobStatus.DONE
    preview = None if done else roster.RosterPreview.from_dict(job.result)
    return render(request, "admin/roster_preview.html", {
        "scope": scope, "nav": "roster", "job": job, "preview": preview, "done": done,
        "summary": job.result.get("summary") if done else None, "error": error,
    }, status_code=422 if error else 200)


@router.get("/roster/import/{job_id}", name="admin:roster_preview")
def roster_preview(request: Request, job: ScopedImportJob, scope: ScopeDep) -> Response:
    return _preview_page(request, job, scope)


@router.post("/roster/import/{job_id}/commit", name="admin:roster_commit")
def roster_commit(request: Request, job: ScopedImportJob, session: SessionDep, scope: ScopeDep,
                  deactivate_missing: Annotated[str, Form()] = "") -> Response:
    if job.status == JobStatus.DONE:
        raise ImportAlreadyDone()
    preview = roster.RosterPreview.from_dict(job.result)
    try:
        summary = roster.commit(session, preview, deactivate_missing=deactivate_missing == "1", within=scope.unit)
    except roster.RosterFileError as exc:
        return _preview_page(request, job, scope, error=exc.message)
    counts = {"created": summary.created, "updated": summary.updated, "reactivated": summary.reactivated,
              "deactivated": summary.deactivated, "units_created": summary.units_created}
    # Keep only the outcome: the parsed rows are no longer needed once they are in the roster.
    job.result = {"filename": preview.filename, "summary": counts}
    job.status, job.stage, job.done, job.finished_at = JobStatus.DONE, "已导入", len(preview.rows), utc_now()
    accounts_service.audit(session, actor=scope.user, action="roster_imported", target_type="job", target_id=job.id,
                           detail={"filename": preview.filename, **counts}, ip=client_ip(request))
    flash(request, f"名单已导入：新增 {summary.created} 人，更新 {summary.updated} 人，恢复 {summary.reactivated} 人，"
                   f"停用 {summary.deactivated} 人，新建单位 {summary.units_created} 个。")
    return RedirectResponse(request.url_for("admin:roster"), status_code=303)

"""Reports and banks: upload, generation with progress, review and editing, import and export."""

from dataclasses import replace
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

import questions as qlib
from app.accounts import service as accounts_service
from app.accounts.dependencies import AdminDep, client_ip
from app.accounts.models import JobStatus
from app.admin import service
from app.admin.dependencies import BackgroundDep, flash
from app.admin.forms import KIND_LABELS, QuestionForm
from app.banks import editing, excel, jobs
from app.banks import service as banks_service
from app.banks.exceptions import BankFileRejected, QuestionRejected
from app.banks.models import Bank, QuestionStatus, Report
from app.core.config import Settings
from app.core.templating import render
from app.db.session import SessionDep

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def download(content: bytes, filename: str, media_type: str) -> Response:
    """A file download with a Chinese file name that every browser keeps."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/banks", name="admin:banks")
def banks_index(request: Request, session: SessionDep, user: AdminDep, into: str = "") -> Response:
    return _banks_page(request, session, user, into=int(into) if into.isdigit() else None)


def _banks_page(request: Request, session: SessionDep, user: AdminDep, *, error: str | None = None,
                import_error: list[str] | None = None, into: int | None = None) -> Response:
    return render(request, "admin/banks.html", {
        "user": user, "nav": "banks", "banks": editing.list_banks(session), "reports": editing.list_reports(session),
        "counts": editing.active_counts(session), "error": error, "import_error": import_error,
        "locked": service.banks_in_use(session), "into": into,
        "max_mb": _settings(request).max_upload_bytes // 1_000_000,
    }, status_code=422 if error or import_error else 200)


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    # Read one byte past the limit so an oversized file is refused without holding all of it.
    return await upload.read(limit + 1)


@router.post("/banks/upload", name="admin:report_upload")
async def report_upload(request: Request, session: SessionDep, user: AdminDep, background: BackgroundDep,
                        file: Annotated[UploadFile, File()], title: Annotated[str, Form()] = "") -> Response:
    limit = _settings(request).max_upload_bytes
    data = await _read_upload(file, limit)
    try:
        raw = qlib.read_report(data, file.filename or "", max_bytes=limit)
    except qlib.ReportFileError as exc:
        return _banks_page(request, session, user, error=exc.message)
    text = qlib.normalise_text(raw)
    name = title.strip() or qlib.parse_document(text).title or (file.filename or "未命名报告").rsplit(".", 1)[0]
    report = banks_service.create_report(session, title=name[:200], text=text, filename=file.filename or "",
                                         uploaded_by=user)
    accounts_service.audit(session, actor=user, action="report_uploaded", target_type="report", target_id=report.id,
                           detail={"filename": file.filename, "chars": report.chars}, ip=client_ip(request))
    return _start_generation(request, session, user, background, report.id)


@router.post("/banks/reports/{report_id}/generate", name="admin:report_generate")
def report_generate(request: Request, report_id: int, session: SessionDep, user: AdminDep,
                    background: BackgroundDep) -> Response:
    report = banks_service.get_report(session, report_id)
    return _start_generation(request, session, user, background, report.id)


def _start_generation(request: Request, session: SessionDep, user: AdminDep, background: BackgroundDep,
                      report_id: int) -> Response:
    job = jobs.create_generation_job(session, report=banks_service.get_report(session, report_id), actor=user)
    # The job runs on its own connection, so it must find the report and job rows committed.
    session.commit()
    background.start(jobs.run_generation, job.id)
    return RedirectResponse(request.url_for("admin:job", job_id=job.id), status_code=303)


@router.get("/jobs/{job_id}", name="admin:job")
def job_page(request: Request, job_id: int, session: SessionDep, user: AdminDep) -> Response:
    job = jobs.get_job(session, job_id, jobs.GENERATE_KIND)
    report = session.get(Report, int(job.result.get("report_id", 0)))
    running = job.status in (JobStatus.PENDING, JobStatus.RUNNING)
    return render(request, "admin/job.html", {"user": user, "nav": "banks", "job": job, "state": jobs.job_state(job),
                                              "report": report, "running": running})


@router.get("/jobs/{job_id}/status", name="admin:job_status")
def job_status(job_id: int, session: SessionDep, _user: AdminDep) -> Response:
    return JSONResponse(jobs.job_state(jobs.get_job(session, job_id, jobs.GENERATE_KIND)))


@router.get("/banks/{bank_id}", name="admin:bank")
def bank_page(request: Request, bank_id: int, session: SessionDep, user: AdminDep, kind: str = "",
              section: str = "", status: str = "") -> Response:
    bank = banks_service.get_bank(session, bank_id)
    kind = kind if kind in KIND_LABELS else ""
    status = status if status in ("active", "retired") else ""
    rows = editing.list_questions(session, bank, kind=kind, section=section, status=status)
    return render(request, "admin/bank.html", {
        "user": user, "nav": "banks", "bank": bank,
        "questions": [(row, banks_service.to_question(row)) for row in rows],
        "counts": editing.bank_counts(session, bank), "sections": editing.bank_sections(session, bank),
        "filters": {"kind": kind, "section": section, "status": status}, "kind_labels": KIND_LABELS,
        "report": editing.bank_report(session, bank), "letters": excel.LETTERS,
        "in_use": service.banks_in_use(session).get(bank.id),
    })


@router.post("/banks/{bank_id}/rename", name="admin:bank_rename")
def bank_rename(request: Request, bank_id: int, session: SessionDep, user: AdminDep,
                title: Annotated[str, Form()] = "") -> Response:
    bank = banks_service.get_bank(session, bank_id)
    editing.rename_bank(session, bank, title)
    accounts_service.audit(session, actor=user, action="bank_renamed", target_type="bank", target_id=bank.id,
                           detail={"title": bank.title}, ip=client_ip(request))
    flash(request, "题库名称已保存。")
    return RedirectResponse(request.url_for("admin:bank", bank_id=bank.id), status_code=303)


def _question_page(request: Request, bank: Bank, form: QuestionForm, *, user: AdminDep, session: SessionDep,
                   question_id: int | None, problems: list[str] | None = None) -> Response:
    return render(request, "admin/question_form.html", {
        "user": user, "nav": "banks", "bank": bank, "form": form, "question_id": question_id,
        "problems": problems or [], "letters": excel.LETTERS, "kind_labels": KIND_LABELS,
        "sections": editing.bank_sections(session, bank), "report": editing.bank_report(session, bank),
    }, status_code=422 if problems else 200)


@router.get("/banks/{bank_id}/questions/new", name="admin:question_new")
def question_new(request: Request, bank_id: int, session: SessionDep, user: AdminDep,
                 kind: str = "single_choice") -> Response:
    bank = banks_service.get_bank(session, bank_id)
    kind = kind if kind in KIND_LABELS else "single_choice"
    return _question_page(request, bank, QuestionForm(kind=kind), user=user, session=session, question_id=None)


@router.post("/banks/{bank_id}/questions/new", name="admin:question_create")
async def question_create(request: Request, bank_id: int, session: SessionDep, user: AdminDep) -> Response:
    bank = banks_service.get_bank(session, bank_id)
    data = await request.form()
    kind = str(data.get("kind") or "")
    form = QuestionForm.from_form(kind if kind in KIND_LABELS else "single_choice", data)
    return _save(request, session, user, bank, form, row_id=None)


@router.get("/banks/{bank_id}/questions/{question_id}", name="admin:question_edit")
def question_edit(request: Request, bank_id: int, question_id: int, session: SessionDep, user: AdminDep) -> Response:
    bank = banks_service.get_bank(session, bank_id)
    row = editing.get_question(session, bank, question_id)
    form = QuestionForm.from_question(banks_service.to_question(row))
    return _question_page(request, bank, form, user=user, session=session, question_id=row.id)


@router.post("/banks/{bank_id}/questions/{question_id}", name="admin:question_save")
async def question_save(request: Request, bank_id: int, question_id: int, session: SessionDep,
                        user: AdminDep) -> Response:
    bank = banks_service.get_bank(session, bank_id)
    row = editing.get_question(session, bank, question_id)
    form = QuestionForm.from_form(row.kind, await request.form())
    return _save(request, session, user, bank, form, row_id=row.id)


def _save(request: Request, session: SessionDep, user: AdminDep, bank: Bank, form: QuestionForm,
          row_id: int | None) -> Response:
    row = editing.get_question(session, bank, row_id) if row_id is not None else None
    question, problems = form.to_question(row.uid if row else "q-new")
    if question is not None and row is not None:
        # Tags are not on the form but change how a key is checked ("negative": the odd one out).
        question = replace(question, tags=tuple(row.payload.get("tags") or ()))
    if question is not None:
        try:
            row = editing.save_question(session, bank=bank, question=question, row=row)
        except QuestionRejected as exc:
            problems = exc.problems
    if problems or row is None:
        return _question_page(request, bank, form, user=user, session=session, question_id=row_id, problems=problems)
    accounts_service.audit(session, actor=user, action="question_added" if row_id is None else "question_edited",
                           target_type="question", target_id=row.uid, detail={"bank_id": bank.id},
                           ip=client_ip(request))
    flash(request, "题目已添加。" if row_id is None else "修改已保存。")
    target = request.url_for("admin:bank", bank_id=bank.id)
    return RedirectResponse(f"{target}#q{row.id}", status_code=303)


@router.post("/banks/{bank_id}/questions/{question_id}/status", name="admin:question_status")
def question_status(request: Request, bank_id: int, question_id: int, session: SessionDep, user: AdminDep,
                    status: Annotated[str, Form()], back: Annotated[str, Form()] = "") -> Response:
    bank = banks_service.get_bank(session, bank_id)
    row = editing.get_question(session, bank, question_id)
    new = QuestionStatus.RETIRED if status == "retired" else QuestionStatus.ACTIVE
    editing.set_status(session, row, new)
    action = "question_retired" if new is QuestionStatus.RETIRED else "question_restored"
    accounts_service.audit(session, actor=user, action=action, target_type="question", target_id=row.uid,
                           detail={"bank_id": bank.id}, ip=client_ip(request))
    flash(request, "已停用这道题，以后的答题不再抽到它。" if new is QuestionStatus.RETIRED else "已恢复这道题。")
    query = back if back.startswith("?") else ""
    return RedirectResponse(f"{request.url_for('admin:bank', bank_id=bank.id)}{query}#q{row.id}", status_code=303)


@router.get("/banks/{bank_id}/export.json", name="admin:bank_export_json")
def bank_export_json(request: Request, bank_id: int, session: SessionDep, user: AdminDep) -> Response:
    bank = banks_service.get_bank(session, bank_id)
    text = qlib.dump_bank(editing.export_bank(session, bank))
    accounts_service.audit(session, actor=user, action="bank_exported", target_type="bank", target_id=bank.id,
                           detail={"format": "json"}, ip=client_ip(request))
    return download(text.encode("utf-8"), f"{bank.title}.json", "application/json; charset=utf-8")


@router.get("/banks/{bank_id}/export.xlsx", name="admin:bank_export_xlsx")
def bank_export_xlsx(request: Request, bank_id: int, session: SessionDep, user: AdminDep) -> Response:
    bank = banks_service.get_bank(session, bank_id)
    content = excel.export_xlsx(editing.export_bank(session, bank))
    accounts_service.audit(session, actor=user, action="bank_exported", target_type="bank", target_id=bank.id,
                           detail={"format": "xlsx"}, ip=client_ip(request))
    return download(content, f"{bank.title}.xlsx", XLSX)


@router.get("/bank-template.xlsx", name="admin:bank_template")
def bank_template(_user: AdminDep) -> Response:
    return download(excel.template_xlsx(), "题库导入模板.xlsx", XLSX)


@router.post("/banks/import", name="admin:bank_import")
async def bank_import(request: Request, session: SessionDep, user: AdminDep, file: Annotated[UploadFile, File()],
                      title: Annotated[str, Form()] = "", into: Annotated[str, Form()] = "new") -> Response:
    limit = _settings(request).max_upload_bytes
    data = await _read_upload(file, limit)
    target: Bank | None = None
    try:
        if into not in ("", "new"):
            found = session.get(Bank, int(into)) if into.isdigit() and len(into) < 12 else None
            if found is None:
                raise BankFileRejected(["要追加题目的题库不存在（可能已被删除），请重新选择“导入到”。"])
            target = service.bank_for_append(session, found)
        if len(data) > limit:
            raise BankFileRejected([f"文件过大，上限为 {limit // 1_000_000} MB。"])
        bank_file, labels = _read_bank_file(data, file.filename or "", title)
        if target is None:
            bank = editing.import_checked(session, bank_file=bank_file, labels=labels)
            added = len(bank_file.questions)
        else:
            bank = target
            added = editing.append_checked(session, bank=bank, questions=bank_file.questions, labels=labels)
    except (BankFileRejected, service.BankInUse) as exc:
        problems = exc.problems if isinstance(exc, BankFileRejected) else [exc.message]
        return _banks_page(request, session, user, import_error=problems, into=target.id if target else None)
    accounts_service.audit(session, actor=user, action="bank_imported", target_type="bank", target_id=bank.id,
                           detail={"filename": file.filename, "questions": added,
                                   **({"appended_to": bank.id} if target else {})}, ip=client_ip(request))
    flash(request, f"已向题库“{bank.title}”追加 {added} 道题，加在原有题目之后。" if target
          else f"已导入题库“{bank.title}”，共 {added} 道题。")
    return RedirectResponse(request.url_for("admin:bank", bank_id=bank.id), status_code=303)


def _read_bank_file(data: bytes, filename: str, title: str) -> tuple[qlib.Bank, list[str] | None]:
    """A bank file (JSON) or sheet (Excel) as a bank, with row labels for a sheet's messages."""
    name = filename.lower()
    if name.endswith(".json"):
        try:
            bank_file = qlib.load_bank(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise BankFileRejected(["JSON 文件须为 UTF-8 编码。"]) from None
        except qlib.BankFormatError as exc:
            raise BankFileRejected([exc.message]) from None
        return (replace(bank_file, title=title.strip()) if title.strip() else bank_file), None
    if name.endswith(".xlsx"):
        rows = excel.read_xlsx(data)
        name_given = title.strip() or (filename or "导入的题库").rsplit(".", 1)[0]
        bank_file = qlib.Bank(title=name_given, source=qlib.Source(title=name_given, sha256="", chars=0),
                              generator=qlib.GeneratorInfo(name="excel", version="1", seed=None),
                              questions=[r.question for r in rows])
        return bank_file, [f"第 {r.row} 行" for r in rows]
    raise BankFileRejected(["请上传 .json（ceyice.bank/1 题库文件）或 .xlsx（按模板填写的表格）。"])

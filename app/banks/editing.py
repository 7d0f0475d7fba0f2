"""Reviewing a bank: listing and filtering questions, editing, retiring, adding by hand, exporting.

Every change goes through `validate`: a question that fails is refused whole, so a bank never holds
a half-edited question whose key can no longer be checked against its evidence.
"""

import hashlib
from collections import Counter
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import questions as qlib
from app.banks.exceptions import BankFileRejected, QuestionNotFound, QuestionRejected
from app.banks.models import Bank, Question, QuestionStatus, Report
from app.banks.service import import_bank, question_payload, to_question
from app.core.timeutil import utc_now


def bank_report(session: Session, bank: Bank) -> Report | None:
    """The report a bank was generated from, if it is still stored."""
    return session.get(Report, bank.report_id) if bank.report_id else None


def validate(q: qlib.Question, report: Report | None) -> list[str]:
    """Problems with a question: its key is checked against the report when it quotes evidence."""
    if q.evidence.strip() and report is not None:
        return qlib.validate_question(q, source_text=report.text)
    # Hand-made questions without a quoted sentence (or banks without a report) are checked for shape.
    return qlib.validate_question(q)


def get_question(session: Session, bank: Bank, question_id: int) -> Question:
    """A question of this bank."""
    row = session.get(Question, question_id)
    if row is None or row.bank_id != bank.id:
        raise QuestionNotFound()
    return row


def list_questions(
    session: Session, bank: Bank, *, kind: str = "", section: str = "", status: str = ""
) -> list[Question]:
    """The bank's questions in bank order, optionally filtered."""
    query = select(Question).where(Question.bank_id == bank.id).order_by(Question.position, Question.id)
    if kind:
        query = query.where(Question.kind == kind)
    if section:
        query = query.where(Question.section == section)
    if status:
        query = query.where(Question.status == status)
    return list(session.scalars(query))


def bank_sections(session: Session, bank: Bank) -> list[str]:
    """The sections the bank's questions come from, in order of first appearance."""
    rows = session.execute(
        select(Question.section, func.min(Question.position))
        .where(Question.bank_id == bank.id)
        .group_by(Question.section)
        .order_by(func.min(Question.position))
    )
    return [section for section, _ in rows]


def bank_counts(session: Session, bank: Bank) -> dict[str, int]:
    """Questions per status and per kind of active questions: {'active': n, 'retired': n, 'single_choice': n…}."""
    counts: Counter[str] = Counter()
    for kind, status, n in session.execute(
        select(Question.kind, Question.status, func.count()).where(Question.bank_id == bank.id)
        .group_by(Question.kind, Question.status)
    ):
        counts[str(status)] += int(n)
        if status == QuestionStatus.ACTIVE:
            counts[str(kind)] += int(n)
    return dict(counts)


def _uid_for(session: Session, bank: Bank, q: qlib.Question) -> str:
    base = "q-" + hashlib.sha256(f"{q.kind}|{q.stem}".encode()).hexdigest()[:12]
    uid, n = base, 1
    while session.scalar(select(Question.id).where(Question.bank_id == bank.id, Question.uid == uid)):
        n += 1
        uid = f"{base}-{n}"
    return uid


def save_question(session: Session, *, bank: Bank, question: qlib.Question, row: Question | None = None) -> Question:
    """Store an edited (row given) or new question after validation; refused whole when it fails."""
    problems = validate(question, bank_report(session, bank))
    if problems:
        raise QuestionRejected(problems)
    if row is None:
        position = session.scalar(select(func.max(Question.position)).where(Question.bank_id == bank.id))
        row = Question(bank_id=bank.id, uid=_uid_for(session, bank, question),
                       position=(position if position is not None else -1) + 1)
        session.add(row)
    row.kind = str(question.kind)
    row.stem = question.stem
    row.section = question.section
    row.payload = question_payload(question)
    row.edited = True
    session.flush()
    return row


def set_status(session: Session, row: Question, status: QuestionStatus) -> None:
    """Retire a question (no longer drawn) or restore it."""
    row.status = status
    session.flush()


def export_bank(session: Session, bank: Bank, *, include_retired: bool = False) -> qlib.Bank:
    """The bank as a `ceyice.bank/1` file; retired questions are left out unless asked for."""
    rows = list_questions(session, bank, status="" if include_retired else QuestionStatus.ACTIVE)
    return qlib.Bank(
        title=bank.title,
        source=qlib.Source(title=str(bank.source.get("title", bank.title)), sha256=str(bank.source.get("sha256", "")),
                           chars=int(bank.source.get("chars", 0) or 0)),
        generator=qlib.GeneratorInfo(name=str(bank.generator.get("name", "ceyice")),
                                     version=str(bank.generator.get("version", "")),
                                     seed=bank.generator.get("seed")),
        questions=[to_question(row) for row in rows],
    )


def import_checked(session: Session, *, bank_file: qlib.Bank, report: Report | None = None,
                   title: str = "", labels: list[str] | None = None) -> Bank:
    """Import a bank file after checking every question; any problem refuses the whole file.

    `labels` name each question in messages (e.g. "第 5 行" for a spreadsheet); default "第 N 题".
    """
    problems: list[str] = []
    seen: set[str] = set()
    for number, q in enumerate(bank_file.questions, start=1):
        found = validate(q, report)
        if q.id in seen:
            found.append(f"编号 {q.id} 与前面的题目重复。")
        seen.add(q.id)
        label = labels[number - 1] if labels else f"第 {number} 题"
        problems += [f"{label}（{q.stem[:20]}）：{p}" for p in found]
    if not bank_file.questions:
        problems.append("文件中没有题目。")
    if problems:
        raise BankFileRejected(problems)
    if title.strip():
        bank_file = replace(bank_file, title=title.strip())
    return import_bank(session, bank_file=bank_file, report=report)


def append_checked(session: Session, *, bank: Bank, questions: list[qlib.Question],
                   labels: list[str] | None = None) -> int:
    """Add a file's questions at the end of an existing bank; any problem refuses them all.

    Questions are checked against the bank's own report, and one the bank already holds (same 编号,
    or same kind and stem) is refused rather than stored twice.
    """
    report = bank_report(session, bank)
    rows = list_questions(session, bank)
    positions = {row.uid: number for number, row in enumerate(rows, start=1)}
    stems = {(row.kind, row.stem.strip()): number for number, row in enumerate(rows, start=1)}
    problems: list[str] = []
    seen: set[str] = set()
    for number, q in enumerate(questions, start=1):
        found = validate(q, report)
        if q.id in positions:
            found.append(f"编号 {q.id} 的题目已在题库中（第 {positions[q.id]} 题），追加只添加新题，请删去这一行。")
        elif (str(q.kind), q.stem.strip()) in stems:
            found.append(f"与题库中第 {stems[(str(q.kind), q.stem.strip())]} 题的题型和题干相同，请删去这一行。")
        if q.id in seen:
            found.append(f"编号 {q.id} 与前面的题目重复。")
        seen.add(q.id)
        label = labels[number - 1] if labels else f"第 {number} 题"
        problems += [f"{label}（{q.stem[:20]}）：{p}" for p in found]
    if not questions:
        problems.append("文件中没有题目。")
    if problems:
        raise BankFileRejected(problems)
    start = max((row.position for row in rows), default=-1) + 1
    session.add_all(Question(bank_id=bank.id, uid=q.id, kind=str(q.kind), stem=q.stem, section=q.section,
                             payload=question_payload(q), position=start + offset)
                    for offset, q in enumerate(questions))
    bank.updated_at = utc_now()
    session.flush()
    return len(questions)


def rename_bank(session: Session, bank: Bank, title: str) -> None:
    """Change a bank's title."""
    if not title.strip():
        raise QuestionRejected(["题库名称不能为空。"], "请填写题库名称。")
    bank.title = title.strip()[:200]
    session.flush()


def list_banks(session: Session) -> list[Bank]:
    """Every bank, newest first."""
    return list(session.scalars(select(Bank).order_by(Bank.created_at.desc(), Bank.id.desc())))


def list_reports(session: Session) -> list[Report]:
    """Every uploaded report, newest first."""
    return list(session.scalars(select(Report).order_by(Report.created_at.desc(), Report.id.desc())))


def active_counts(session: Session) -> dict[int, int]:
    """Active questions per bank id."""
    rows = session.execute(select(Question.bank_id, func.count()).where(Question.status == QuestionStatus.ACTIVE)
                           .group_by(Question.bank_id))
    return {bank_id: int(n) for bank_id, n in rows}

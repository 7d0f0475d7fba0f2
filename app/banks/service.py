"""Reports and banks: storing a generated or imported bank, and reading it back as a bank file."""

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

import questions as qlib
from app.accounts.models import AdminUser
from app.banks.exceptions import BankNotFound, ReportNotFound
from app.banks.models import Bank, Question, QuestionStatus, Report

PAYLOAD_FIELDS = ("options", "answer", "evidence", "explanation", "difficulty", "tags")


def create_report(
    session: Session, *, title: str, text: str, filename: str = "", uploaded_by: AdminUser | None = None
) -> Report:
    """Store a report's normalised text."""
    report = Report(
        title=title,
        filename=filename,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        chars=len(text),
        uploaded_by_id=uploaded_by.id if uploaded_by else None,
    )
    session.add(report)
    session.flush()
    return report


def get_report(session: Session, report_id: int) -> Report:
    """The report with this id."""
    report = session.get(Report, report_id)
    if report is None:
        raise ReportNotFound()
    return report


def get_bank(session: Session, bank_id: int) -> Bank:
    """The bank with this id."""
    bank = session.get(Bank, bank_id)
    if bank is None:
        raise BankNotFound()
    return bank


def question_payload(question: qlib.Question) -> dict[str, object]:
    """The JSON payload column for a question of a bank file."""
    data = question.to_dict()
    return {name: data[name] for name in PAYLOAD_FIELDS if name in data}


def import_bank(session: Session, *, bank_file: qlib.Bank, report: Report | None = None) -> Bank:
    """Store a bank file's questions as a new bank."""
    bank = Bank(
        report_id=report.id if report else None,
        title=bank_file.title,
        source={"title": bank_file.source.title, "sha256": bank_file.source.sha256, "chars": bank_file.source.chars},
        generator={
            "name": bank_file.generator.name,
            "version": bank_file.generator.version,
            "seed": bank_file.generator.seed,
        },
    )
    session.add(bank)
    session.flush()
    session.add_all(
        Question(
            bank_id=bank.id,
            uid=q.id,
            kind=str(q.kind),
            stem=q.stem,
            section=q.section,
            payload=question_payload(q),
            position=position,
        )
        for position, q in enumerate(bank_file.questions)
    )
    session.flush()
    return bank


def to_question(row: Question) -> qlib.Question:
    """A stored question as the library's Question (for grading, export and validation)."""
    return qlib.Question.from_dict({"id": row.uid, "kind": row.kind, "stem": row.stem, "section": row.section,
                                    **row.payload})


def active_questions(session: Session, bank: Bank) -> list[Question]:
    """The bank's questions that may be drawn, in bank order."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.bank_id == bank.id, Question.status == QuestionStatus.ACTIVE)
            .order_by(Question.position, Question.id)
        )
    )

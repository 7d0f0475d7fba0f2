"""Question-bank library: report files to text, text to a verified bank, and grading of the kinds."""

from questions.bank import Bank, GeneratorInfo, Question, Source, dump_bank, load_bank
from questions.errors import BankFormatError, QuestionsError, ReportFileError
from questions.generate import GenerationResult, GenerationStats, generate
from questions.kinds import KIND_LABELS, Kind, grade, normalise_fill
from questions.readers import read_report
from questions.structure import Document, Section, parse_document
from questions.text import normalise_text
from questions.validate import validate_question

__all__ = [
    "KIND_LABELS",
    "Bank",
    "BankFormatError",
    "Document",
    "GenerationResult",
    "GenerationStats",
    "GeneratorInfo",
    "Kind",
    "Question",
    "QuestionsError",
    "ReportFileError",
    "Section",
    "Source",
    "dump_bank",
    "generate",
    "grade",
    "load_bank",
    "normalise_fill",
    "normalise_text",
    "parse_document",
    "read_report",
    "validate_question",
]

"""Errors the library raises; each carries a Chinese message that says what to fix."""

from __future__ import annotations


class QuestionsError(Exception):
    """Base of every error the question library raises on bad input."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReportFileError(QuestionsError):
    """An uploaded report file cannot be read."""


class BankFormatError(QuestionsError):
    """A bank file or question record is not valid `ceyice.bank/1`."""

"""Errors of the banks domain."""

from app.core.exceptions import Invalid, NotFound


class BankNotFound(NotFound):
    message = "没有找到这个题库。"


class ReportNotFound(NotFound):
    message = "没有找到这份报告。"


class QuestionNotFound(NotFound):
    message = "没有找到这道题。"


class BankInvalid(Invalid):
    message = "题库文件有误。"

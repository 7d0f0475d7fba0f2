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


class QuestionRejected(Invalid):
    """An edited or imported question that fails validation; `problems` lists every reason."""

    message = "这道题没有保存，请按提示修改。"

    def __init__(self, problems: list[str], message: str | None = None) -> None:
        super().__init__(message or "这道题没有保存：" + "；".join(problems))
        self.problems = problems


class BankFileRejected(Invalid):
    """An uploaded bank file (JSON or Excel) with problems; nothing of it was imported."""

    message = "题库文件有误，没有导入任何题目。"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(self.message + "\n" + "\n".join(problems[:50]))
        self.problems = problems

"""Domain errors that carry their HTTP status and a Chinese message for the user."""


class AppError(Exception):
    """Base of every error a user can cause; rendered by one handler, never a 500."""

    status_code = 400
    message = "请求有误。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class Invalid(AppError):
    status_code = 422
    message = "填写的内容有误，请检查后重试。"


class NotFound(AppError):
    status_code = 404
    message = "没有找到您要的内容。"


class Forbidden(AppError):
    status_code = 403
    message = "您没有权限进行此操作。"


class NotAuthenticated(AppError):
    status_code = 401
    message = "请先登录。"


class Conflict(AppError):
    status_code = 409
    message = "操作与当前状态冲突，请刷新后重试。"


class TooManyRequests(AppError):
    status_code = 429
    message = "尝试次数过多，请稍后再试。"


class ServiceUnavailable(AppError):
    status_code = 503
    message = "系统繁忙，请稍后再试。"

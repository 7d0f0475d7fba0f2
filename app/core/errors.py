"""One handler renders every AppError (and framework errors) as a Chinese page or JSON."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.core.exceptions import AppError, ServiceUnavailable
from app.core.templating import render

log = logging.getLogger("ceyice")

HTTP_MESSAGES = {
    400: "请求有误。",
    401: "请先登录。",
    403: "您没有权限访问这个页面。",
    404: "没有找到这个页面，请检查链接是否完整。",
    405: "不支持这种操作方式。",
    413: "上传的文件太大。",
    422: "填写的内容有误，请检查后重试。",
    429: "尝试次数过多，请稍后再试。",
}


INVALID_VALUE = "提交的内容超出范围或含有无法保存的字符，请检查后重试。"


def wants_json(request: Request) -> bool:
    """JSON for the API and for scripts that ask for it, HTML pages for people."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def error_response(request: Request, status_code: int, message: str) -> Response:
    """The page or JSON body shown for a refused request."""
    if wants_json(request):
        return JSONResponse({"error": message}, status_code=status_code)
    if status_code == 401 and request.method == "GET":
        # A person who is not signed in wants the login form, not an error page.
        login = request.url_for("accounts:login").include_query_params(next=request.url.path)
        return RedirectResponse(str(login), status_code=303)
    referer = request.headers.get("referer", "")
    # Only a page of this site: a forged Referer must not turn "back" into a link elsewhere (or javascript:).
    back = referer if referer.startswith(str(request.base_url)) else None
    return render(
        request,
        "error.html",
        {"status_code": status_code, "message": message, "back": back},
        status_code=status_code,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return error_response(request, exc.status_code, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
        return error_response(request, exc.status_code, detail or HTTP_MESSAGES.get(exc.status_code, "请求有误。"))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
        message = "提交的内容不完整或格式不对" + (f"（{'、'.join(fields)}）" if fields else "") + "，请检查后重试。"
        return error_response(request, 422, message)

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> Response:
        # A database that cannot be reached is an outage, not a bug: say so and let people retry.
        log.error("database unavailable: %s", exc.orig)
        return error_response(request, 503, ServiceUnavailable.message)

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(request: Request, exc: PoolTimeout) -> Response:
        log.error("no database connection free: %s", exc)
        return error_response(request, 503, ServiceUnavailable.message)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _value_refused(request: Request, exc: Exception) -> Response:
        # A value the database cannot hold (an id beyond 64 bits, a NUL in text) came from the request:
        # any such number or text is the sender's mistake, and the transaction was rolled back.
        log.warning("value refused by the database: %s", exc)
        return error_response(request, 422, INVALID_VALUE)

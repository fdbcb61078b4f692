"""Errors mapped to HTTP in one place. SPARQL clients get text/plain with the message; browsers
get a page."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from ..store import QuerySyntaxError, QueryTimeout, StoreBusy, StoreError
from .conneg import HTML, negotiate
from .fairness import OverLimit
from .guard import Refused, TooComplex
from .i18n import choose_language, strings


class NotAcceptable(Exception):
    def __init__(self, offered: list[str]) -> None:
        self.offered = offered
        super().__init__(
            "none of the requested media types can be produced; available: " + ", ".join(offered)
        )


class NotFound(Exception):
    pass


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    wants_html = (
        request.method != "POST"
        and negotiate((HTML,), request.headers.get("Accept")) is not None
        and "text/html" in (request.headers.get("Accept") or "")
    )
    if wants_html:
        lang = choose_language(request)
        body = render_template(
            "error.html", status=status, message=message, lang=lang, t=strings(lang)
        )
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Vary"] = "Accept"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(Refused)
    def refused(exc: Refused) -> Response:
        return error_response(403, f"Forbidden: {exc}")

    @app.errorhandler(TooComplex)
    def too_complex(exc: TooComplex) -> Response:
        return error_response(400, f"Malformed query: {exc}")

    @app.errorhandler(QuerySyntaxError)
    def syntax(exc: QuerySyntaxError) -> Response:
        return error_response(400, f"Malformed query: {exc}")

    @app.errorhandler(QueryTimeout)
    def timeout(exc: QueryTimeout) -> Response:
        return error_response(503, f"Query stopped: {exc}", {"Retry-After": "5"})

    @app.errorhandler(OverLimit)
    def over_limit(exc: OverLimit) -> Response:
        return error_response(
            429, f"Too Many Requests: {exc}", {"Retry-After": str(exc.retry_after_s)}
        )

    @app.errorhandler(StoreBusy)
    def busy(exc: StoreBusy) -> Response:
        return error_response(503, f"Service busy: {exc}", {"Retry-After": "2"})

    @app.errorhandler(StoreError)
    def store_error(exc: StoreError) -> Response:
        return error_response(503, f"The store could not answer: {exc}", {"Retry-After": "5"})

    @app.errorhandler(NotAcceptable)
    def not_acceptable(exc: NotAcceptable) -> Response:
        return error_response(406, f"Not Acceptable: {exc}")

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Response:
        return error_response(404, f"Not Found: {exc}")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if exc.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            return error_response(413, f"Request body larger than {limit} bytes")
        if exc.code is not None and exc.code < 400:
            return exc  # type: ignore[return-value]
        response = error_response(exc.code or 500, f"{exc.name}: {exc.description}")
        if exc.code == 405 and exc.response is None:
            valid = getattr(exc, "valid_methods", None)
            if valid:
                response.headers["Allow"] = ", ".join(valid)
        return response

"""RFC 9457 problem details: every refusal the server gives, as `application/problem+json`.

A `Problem` is raised anywhere in a request and turned into a response by the app's
handler; per-event refusals in a batch carry the same body inside the batch's answer.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_TYPE_BASE = "https://bonuspos.example/problems/"
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        body.update(self.extensions)
        return body

    def response(self, instance: str | None = None) -> JSONResponse:
        body = self.body()
        if instance:
            body["instance"] = instance
        return JSONResponse(
            body, status_code=self.status, media_type=MEDIA_TYPE, headers=self.headers
        )


def unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        "unauthorized",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="bonuspos"'},
    )


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "Not this till's business", detail)


def invalid(detail: str, **extensions: Any) -> Problem:
    return Problem(422, "invalid-event", "The request breaks a rule", detail, **extensions)


def not_found(detail: str) -> Problem:
    return Problem(404, "not-found", "Not found", detail)

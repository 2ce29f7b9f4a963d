"""The HTTP face of the server (protocol v1): FastAPI routes over the use cases."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from functools import partial
from typing import Annotated, Any
from uuid import UUID

from anyio import to_thread
from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from bonuspos.domain.card import Phone
from bonuspos_server.codes import onetime, sms
from bonuspos_server.data import policies, urls
from bonuspos_server.data.db import ENV_URL, ServerDatabase, open_server_database
from bonuspos_server.data.urls import ENV_URL_FILE
from bonuspos_server.feeds import changes
from bonuspos_server.feeds import day as days
from bonuspos_server.feeds import sales as sold
from bonuspos_server.holds import cards
from bonuspos_server.holds import reserve as holds
from bonuspos_server.ingest import batch as ingest
from bonuspos_server.settings import (
    LIMITS,
    LOG_LEVEL,
    METRICS_ALLOW,
    SMS_GATEWAY,
    THREADS,
    Settings,
    page_secret_from_environment,
)
from bonuspos_server.web import customer_page, limits, metrics
from bonuspos_server.web.auth import Caller
from bonuspos_server.web.hardening import (
    BodyLimit,
    Doorkeeper,
    PrivateData,
    RequestLog,
    StrangerLimit,
    client_address,
    masked_path,
)
from bonuspos_server.web.limits import Asks, Gate
from bonuspos_server.web.problems import MEDIA_TYPE, Problem, forbidden
from bonuspos_server.web.schemas import (
    BatchAnswer,
    CardAnswer,
    ChangesPage,
    DayAnswer,
    EventBatch,
    HoldAnswer,
    HoldRequest,
    SaleAnswer,
    SpendCodeRequest,
    StoreDayAnswer,
    TillAnswer,
)

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": "An RFC 9457 problem", "content": {MEDIA_TYPE: {}}}
    for status in (400, 401, 403, 404, 409, 413, 422, 429)
}


SWEEP_SECONDS = 60.0  # how often each process deletes closed rate-limit windows

TokenHeader = Annotated[str | None, Header()]


def _gate(request: Request) -> Gate:
    gate: Gate = request.app.state.gate
    return gate


def current_caller(request: Request, authorization: TokenHeader = None) -> Caller:
    return _gate(request).admit(authorization, client_address(request.scope))


def looking_up(request: Request, card: str, authorization: TokenHeader = None) -> Caller:
    """The till, counted on its lookups and on the card's."""
    return _gate(request).admit(authorization, client_address(request.scope), Asks.LOOKUP, card)


async def holding(request: Request, authorization: TokenHeader = None) -> Caller:
    """The till, counted on the card's holds: the card is read from the body, which FastAPI
    has read already and checks after this."""
    card = _card_in(await request.body())
    gate, address = _gate(request), client_address(request.scope)
    return await to_thread.run_sync(partial(gate.admit, authorization, address, Asks.HOLD, card))


def _card_in(body: bytes) -> str | None:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return None
    card = parsed.get("card") if isinstance(parsed, dict) else None
    return card if isinstance(card, str) else None


def looking_up_sale(request: Request, authorization: TokenHeader = None) -> Caller:
    """The till, counted on its lookups: a sale names no card to count it on."""
    return _gate(request).admit(authorization, client_address(request.scope), Asks.LOOKUP)


def reading_day(request: Request, authorization: TokenHeader = None) -> Caller:
    """The till, counted on its lookups: a day's figures read many rows, like a lookup."""
    return _gate(request).admit(authorization, client_address(request.scope), Asks.LOOKUP)


Authed = Annotated[Caller, Depends(current_caller)]
LookingUp = Annotated[Caller, Depends(looking_up)]
LookingUpSale = Annotated[Caller, Depends(looking_up_sale)]
ReadingDay = Annotated[Caller, Depends(reading_day)]
# The store's calendar day, YYYY-MM-DD; today's when not given.
DayParam = Annotated[str | None, Query(alias="date", max_length=10)]
Holding = Annotated[Caller, Depends(holding)]


def from_environment() -> Any:
    """The app of one `serve` worker process, configured by the command that started it
    (or by systemd's environment, for uvicorn started on its own)."""
    url = urls.from_environment()
    if url is None:
        raise RuntimeError(f"set {ENV_URL} or {ENV_URL_FILE}")
    # One JSON object per line: the access log writes JSON itself.
    logging.basicConfig(
        level=os.environ.get(LOG_LEVEL, "INFO"), format="%(message)s", stream=sys.stdout
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(PrivateData())
    threads = int(os.environ.get(THREADS, Settings.threads))
    settings = (
        Settings(url, threads=threads, sms_gateway=os.environ.get(SMS_GATEWAY, "log"))
        .with_limits(os.environ.get(LIMITS, ""))
        .with_metrics_allow(os.environ.get(METRICS_ALLOW))
        .with_page_secret(page_secret_from_environment(os.environ))
    )
    return create_app(open_server_database(url, run_migrations=False), settings)


def create_app(db: ServerDatabase, settings: Settings) -> Any:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Requests run their SQL on worker threads. More threads than cores only queue on
        # the GIL: with 40 (anyio's default) a hold cost three times the CPU under load.
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        sweeper = asyncio.create_task(_sweep_forever(db, settings))
        yield
        sweeper.cancel()
        with suppress(asyncio.CancelledError):
            await sweeper

    app = FastAPI(
        lifespan=lifespan,
        title="BonusPOS sync server",
        version="1",
        description="The central ledger of the favourite customer card. See PROTOCOL.md.",
        responses=PROBLEM_RESPONSES,
    )

    app.state.db = db
    door = Doorkeeper(settings.address_per_second, settings.address_burst)
    app.state.gate = Gate(db, settings, door)
    app.state.codes = codes = onetime.Codes(settings, sms.gateway(settings.sms_gateway))

    @app.post("/v1/events", response_model=BatchAnswer)
    def post_events(batch: EventBatch, who: Authed) -> Response:
        _same_till(who, batch.store, batch.till)
        if len(batch.events) > settings.max_batch:
            raise Problem(
                413,
                "batch-too-large",
                "Batch too large",
                f"Send at most {settings.max_batch} events in one batch",
            )
        results = ingest.apply_batch(db, who, batch, settings.clock())
        metrics.batch_answered(batch, results)  # committed: these outcomes happened
        return _json(BatchAnswer(results=results))

    @app.get("/v1/tills/me", response_model=TillAnswer)
    def get_till(who: Authed) -> TillAnswer:
        with db.sessions() as session:
            last = ingest.last_seq(session, who.till_id)
        return TillAnswer(store=who.store, till=who.till, last_seq=last)

    @app.get("/v1/changes", response_model=ChangesPage)
    def get_changes(
        who: Authed,
        cursor: Annotated[str | None, Query(max_length=512)] = None,
        limit: Annotated[int, Query(ge=1, le=changes.MAX_LIMIT)] = 1000,
    ) -> ChangesPage:
        with db.sessions() as session:
            return changes.page(session, cursor, limit, settings.clock(), who.store)

    @app.post("/v1/holds", response_model=HoldAnswer, status_code=201)
    def post_hold(request: HoldRequest, who: Holding) -> Response:
        now = settings.clock()
        with db.sessions() as session:
            try:
                hold, created = holds.place(session, who, request, now, codes)
            except Problem as refused:
                if refused.slug not in onetime.REFUSALS:
                    raise
                session.commit()  # a wrong code counts towards the card's lock
                raise
            session.commit()
        if created:
            metrics.hold_placed()
        return _json(hold, 201 if created else 200)

    @app.post("/v1/spend-codes", status_code=202)
    def post_spend_code(request: SpendCodeRequest, who: Authed) -> Response:
        """Sends the card's phone a code that lets this sale spend above the threshold."""
        with db.sessions() as session, session.begin():
            card = cards.by_number(session, request.card)
            codes.issue(session, card, onetime.SPEND, f"till:{who.till_id}", settings.clock())
        return Response(status_code=202)

    @app.delete("/v1/holds/{hold_id}", status_code=204)
    def delete_hold(hold_id: str, who: Authed) -> Response:
        with db.sessions() as session, session.begin():
            released = holds.release(session, who, hold_id)
        if released:
            metrics.hold_released()
        return Response(status_code=204)

    @app.get("/v1/customers/{card}", response_model=CardAnswer)
    def get_customer(card: str, who: LookingUp) -> CardAnswer:
        now = settings.clock()
        with db.sessions() as session:
            customer = cards.by_number(session, card)
            policy = policies.current(session)
            state = cards.state(session, customer, policy.store_day(now), now)
            return CardAnswer(
                customer_uid=UUID(customer.uid),
                phone=Phone(customer.phone).masked(),
                full_name=customer.full_name,
                active=state.balance.active.minor,
                pending=state.balance.pending.minor,
                next_activation=state.balance.next_activation,
                held=state.held.minor,
                available=state.available.minor,
            )

    @app.get("/v1/sales/{sale_id}", response_model=SaleAnswer)
    def get_sale(sale_id: str, who: LookingUpSale) -> Response:
        canonical = sold.sale_id_of(sale_id)
        with db.sessions() as session:
            return _json(sold.answer(session, canonical))

    @app.get("/v1/tills/me/day", response_model=DayAnswer)
    def get_till_day(who: ReadingDay, day: DayParam = None) -> Response:
        with db.sessions() as session:
            policy = policies.current(session)
            asked = days.day_of(day, policy.store_day(settings.clock()))
            return _json(days.till_answer(session, who, asked, policy.timezone))

    @app.get("/v1/stores/me/day", response_model=StoreDayAnswer)
    def get_store_day(who: ReadingDay, day: DayParam = None) -> Response:
        with db.sessions() as session:
            policy = policies.current(session)
            asked = days.day_of(day, policy.store_day(settings.clock()))
            return _json(days.store_answer(session, who, asked, policy.timezone))

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            # The detail stays generic: /healthz needs no token, and the error names hosts.
            logging.getLogger("bonuspos_server").exception("health check failed")
            raise Problem(503, "database-unavailable", "Database unavailable") from exc
        return {"status": "ok", "database": db.engine.dialect.name}

    @app.get("/metrics", include_in_schema=False)
    def get_metrics(request: Request) -> Response:
        # Not in the schema: it is not part of the tills' protocol.
        if not metrics.allowed(request.scope, settings.metrics_allow):
            raise Problem(
                403,
                "forbidden",
                "Not for this caller",
                "Metrics are read from this machine or an allowed address only",
            )
        body, media_type = metrics.exposition()
        return Response(body, media_type=media_type)

    if settings.page_secret is not None:
        app.include_router(customer_page.router(db, settings, codes))

    _install_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # Outside the body limit: a stranger over its rate is refused before its body is read.
    app.add_middleware(StrangerLimit, door=door)
    app.add_middleware(RequestLog)
    # Outermost: the requests refused by the limits above are timed and counted too.
    app.add_middleware(metrics.RequestMetrics, routes=app.router.routes)
    return app


async def _sweep_forever(db: ServerDatabase, settings: Settings) -> None:
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            await to_thread.run_sync(limits.sweep, db, settings.clock().timestamp())
        except Exception:  # the next sweep tries again; serving goes on meanwhile
            logging.getLogger("bonuspos_server").exception("deleting closed rate windows failed")


def _json(answer: BaseModel, status: int = 200) -> Response:
    # The answer is a checked model already; FastAPI would validate it once more.
    return Response(answer.model_dump_json(), status, media_type="application/json")


def _same_till(who: Caller, store: str, till: str) -> None:
    if (store, till) != (who.store, who.till):
        raise forbidden(f"This token belongs to till {who.store}/{who.till}, not {store}/{till}")


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> JSONResponse:
        return exc.response(instance=masked_path(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if any(e["type"] == "json_invalid" for e in errors):
            problem = Problem(
                400, "malformed-json", "Malformed JSON", "The body is not valid JSON", errors=errors
            )
        else:
            problem = Problem(
                422,
                "invalid-request",
                "The request does not match the protocol",
                f"{len(errors)} field(s) wrong",
                errors=errors,
            )
        return problem.response(instance=masked_path(request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and isinstance(exc.__cause__, ValueError | RecursionError):
            # FastAPI's answer to a body its JSON parser gave up on other than by a syntax
            # error: nested deeper than Python recurses, or bytes that are not UTF-8.
            problem = Problem(
                400, "malformed-json", "Malformed JSON", "The body is not valid UTF-8 JSON"
            )
            return problem.response(instance=masked_path(request.url.path))
        problem = Problem(exc.status_code, "http-error", str(exc.detail))
        return problem.response(instance=masked_path(request.url.path))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger("bonuspos_server").exception("unhandled error")
        problem = Problem(
            500,
            "internal-error",
            "Internal error",
            "The server failed; nothing was acknowledged, retry later",
        )
        return problem.response(instance=masked_path(request.url.path))

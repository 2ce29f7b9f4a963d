"""The customers' own page at /card/: a phone, a one-time code by SMS, then the card.

A visit is one signed cookie (HMAC-SHA256 with the page's secret), HttpOnly, SameSite=
Strict, Secure when the page was asked over HTTPS: a random nonce, the phone asked about,
the card once the code was right, and when it all ends. Every form carries a token derived
from the nonce, so another site can make no request with it; the nonce is new at sign-in,
so a visit planted before it is worth nothing after. Signing out records the visit in
`rate_counters` until its end, so a copy of the cookie is refused too.

The answer to a phone is the same whether it is a customer's or not, and the code is sent
after the answer has gone, so neither the words nor the time tell which numbers are
customers'. Phones typed and codes tried are counted per client address and per phone
(under a keyed hash: the table holds no phone). The page shows the card's points and
purchases and nothing else; the phone only masked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import text

from bonuspos.domain.card import Phone, parse_phone
from bonuspos.domain.errors import InvalidInput
from bonuspos_server.codes import onetime
from bonuspos_server.data.db import EXPENDABLE, ServerDatabase
from bonuspos_server.feeds import own_card
from bonuspos_server.settings import Limit, Settings
from bonuspos_server.web import customer_html as html
from bonuspos_server.web.hardening import client_address
from bonuspos_server.web.problems import Problem

log = logging.getLogger("bonuspos_server.web.customer_page")

PREFIX = "/card"
COOKIE = "bonuspos_card"
ASKED_SECONDS = 600  # from the phone to the code
IDLE_SECONDS = 3600  # a visit not yet signed in: its form token lasts this long
MAX_FORM_BYTES = 4096

# No script, no frame, no other origin: the page is forms and one stylesheet of its own.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

EXPIRED = "Страница устарела. Введите номер ещё раз."
# One answer to every refused code, known phone or not: a card's lock says it is a card.
WRONG_CODE = (
    "Код неверный или уже не действует. Запросите новый код."
    " После трёх неверных кодов вход по номеру закрыт на 15 минут."
)
NOT_A_PHONE = "Это не номер телефона. Введите номер так: +375 29 123-45-67."


@dataclass(frozen=True, slots=True)
class Visit:
    nonce: str
    ends: int  # seconds since the epoch
    phone: str | None = None  # E.164, once typed
    uid: str | None = None  # the card, once the code was right


class Signer:
    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"bonuspos customer page\0" + secret).digest()

    def _mac(self, purpose: bytes, data: bytes) -> bytes:
        return hmac.new(self._key, purpose + b"\0" + data, hashlib.sha256).digest()

    def cookie(self, visit: Visit) -> str:
        body = json.dumps(
            {"n": visit.nonce, "e": visit.ends, "p": visit.phone, "u": visit.uid},
            separators=(",", ":"),
        ).encode()
        return f"{_b64(body)}.{_b64(self._mac(b'visit', body))}"

    def visit(self, cookie: str | None, now: float) -> Visit | None:
        """The cookie's visit if this server signed it and it has not ended."""
        if not cookie or len(cookie) > 1024 or "." not in cookie:
            return None
        body_text, _, mac_text = cookie.partition(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (binascii.Error, ValueError):
            return None
        if not hmac.compare_digest(mac, self._mac(b"visit", body)):
            return None
        fields = json.loads(body)
        visit = Visit(fields["n"], fields["e"], fields["p"], fields["u"])
        return visit if visit.ends > now else None

    def form_token(self, visit: Visit) -> str:
        return _b64(self._mac(b"form", visit.nonce.encode()))[:32]

    def form_ok(self, visit: Visit, token: str) -> bool:
        return hmac.compare_digest(self.form_token(visit).encode(), token.encode())

    def keyed(self, value: str) -> str:
        """A stable name for `value` that does not reveal it: phones and addresses."""
        return self._mac(b"key", value.encode()).hex()[:32]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text_: str) -> bytes:
    return base64.urlsafe_b64decode(text_ + "=" * (-len(text_) % 4))


_COUNT = text(
    "INSERT INTO rate_counters (window_end, key, count) VALUES (:end, :key, 1)"
    " ON CONFLICT (window_end, key) DO UPDATE SET count = rate_counters.count + 1"
    " RETURNING count"
)
_SIGNED_OUT = text(
    "INSERT INTO rate_counters (window_end, key, count) VALUES (:end, :key, 1)"
    " ON CONFLICT (window_end, key) DO NOTHING"
)
_IS_SIGNED_OUT = text("SELECT 1 FROM rate_counters WHERE window_end = :end AND key = :key")


class Counters:
    """The page's limits and signed-out visits, in the table every server process shares."""

    def __init__(self, db: ServerDatabase) -> None:
        self.db = db

    def over(self, key: str, limit: Limit, now: float) -> int:
        """Counts one more under `key`; the seconds to wait when that is over `limit`."""
        end = (math.floor(now) // limit.seconds + 1) * limit.seconds
        with self.db.engine.connect().execution_options(**{EXPENDABLE: True}) as connection:
            count = connection.execute(_COUNT, {"end": end, "key": key}).scalar_one()
            connection.commit()
        return max(1, math.ceil(end - now)) if count > limit.count else 0

    def sign_out(self, visit: Visit) -> None:
        with self.db.engine.connect().execution_options(**{EXPENDABLE: True}) as connection:
            connection.execute(_SIGNED_OUT, {"end": visit.ends, "key": _out_key(visit)})
            connection.commit()

    def signed_out(self, visit: Visit) -> bool:
        with self.db.engine.connect() as connection:
            found = connection.execute(
                _IS_SIGNED_OUT, {"end": visit.ends, "key": _out_key(visit)}
            ).first()
        return found is not None


def _out_key(visit: Visit) -> str:
    return f"page-out:{visit.nonce}"


def router(db: ServerDatabase, settings: Settings, codes: onetime.Codes) -> APIRouter:
    assert settings.page_secret is not None
    signer = Signer(settings.page_secret)
    counters = Counters(db)
    clock: Callable[[], float] = lambda: settings.clock().timestamp()  # noqa: E731
    pages = APIRouter(prefix=PREFIX, include_in_schema=False)

    def fresh(now: float) -> Visit:
        return Visit(secrets.token_urlsafe(18), int(now) + IDLE_SECONDS)

    def finish(request: Request, response: Response, visit: Visit | None) -> None:
        response.headers.update(SECURITY_HEADERS)
        if visit is not None:
            response.set_cookie(
                COOKIE,
                signer.cookie(visit),
                max_age=max(1, visit.ends - int(clock())),
                path=f"{PREFIX}/",
                secure=request.url.scheme == "https",
                httponly=True,
                samesite="strict",
            )

    def answer(request: Request, page: str, visit: Visit | None, status: int = 200) -> Response:
        response = Response(page, status, media_type="text/html; charset=utf-8")
        finish(request, response, visit)
        return response

    def to(request: Request, where: str, visit: Visit | None) -> Response:
        response = RedirectResponse(where, 303)
        finish(request, response, visit)
        return response

    def limited(request: Request, keys: list[tuple[str, Limit]], now: float) -> Response | None:
        wait = max(counters.over(key, limit, now) for key, limit in keys)
        if not wait:
            return None
        response = answer(request, html.too_many(math.ceil(wait / 60)), None, 429)
        response.headers["Retry-After"] = str(wait)
        return response

    def address_key(request: Request) -> tuple[str, Limit]:
        return f"page-address:{signer.keyed(client_address(request.scope))}", (
            settings.page_address
        )

    def phone_key(phone: str) -> tuple[str, Limit]:
        return f"page-phone:{signer.keyed(phone)}", settings.page_phone

    async def posted(request: Request, now: float) -> tuple[Visit | None, dict[str, str]]:
        """The visit a form was posted from (None when it is not this server's or the
        form's token is not the visit's) and the form's fields."""
        body = await request.body()
        fields = {
            name: values[0]
            for name, values in parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace")).items()
        }
        visit = signer.visit(request.cookies.get(COOKIE), now)
        if visit is None or not signer.form_ok(visit, fields.get("csrf", "")):
            return None, fields
        return visit, fields

    def signed_in(visit: Visit | None) -> tuple[str, Phone] | None:
        """The card and phone of a signed-in visit not signed out since."""
        if visit is None or visit.uid is None or visit.phone is None:
            return None
        return None if counters.signed_out(visit) else (visit.uid, Phone(visit.phone))

    def requester(request: Request) -> str:
        """Who asks for codes, as the codes' limits count it: the address, keyed."""
        return f"page:{signer.keyed(client_address(request.scope))}"

    def send(phone: Phone, asker: str) -> None:
        with db.sessions() as session:
            card = own_card.card_of(session, phone)
            if card is None:
                return
            try:
                codes.issue(session, card, onetime.WEB, asker, settings.clock())
            except Problem as refused:
                # Too many codes, a locked card, a gateway down: the page said the same.
                log.warning(json.dumps({"page_code_not_sent": refused.slug}))
                return
            session.commit()

    def right_code(phone: Phone, typed: str, asker: str) -> str | None:
        """The card's uid when `typed` is its live code, which is then used up."""
        with db.sessions() as session:
            card = own_card.card_of(session, phone)
            if card is None or not typed.isdigit():
                return None
            uid = card.uid
            try:
                codes.check(session, card, onetime.WEB, typed, asker, settings.clock())
            except Problem:
                session.commit()  # a wrong code counts towards the card's lock
                return None
            session.commit()
            return uid

    @pages.get("")
    def bare() -> Response:
        return RedirectResponse(f"{PREFIX}/", 308)

    @pages.get("/page.css")
    def style() -> Response:
        response = Response(html.STYLE, media_type="text/css; charset=utf-8")
        response.headers.update(SECURITY_HEADERS)
        return response

    @pages.get("/")
    def home(request: Request) -> Response:
        now = clock()
        visit = signer.visit(request.cookies.get(COOKIE), now)
        holder = signed_in(visit)
        if visit is not None and holder is not None:
            with db.sessions() as session:
                card = own_card.own_card(session, *holder, settings.clock())
            if card is not None:
                return answer(request, html.card_page(signer.form_token(visit), card), None)
        if visit is None or visit.uid is not None:
            visit = fresh(now)
        return answer(request, html.phone_form(signer.form_token(visit)), visit)

    @pages.post("/code-request")
    async def code_request(request: Request, background: BackgroundTasks) -> Response:
        now = clock()
        visit, fields = await posted(request, now)
        if visit is None:
            visit = fresh(now)
            return answer(request, html.phone_form(signer.form_token(visit), EXPIRED), visit, 400)
        refused = limited(request, [address_key(request)], now)
        if refused is not None:
            return refused
        typed = fields.get("phone", "")[:32]
        try:
            phone = parse_phone(typed)
        except InvalidInput:
            page = html.phone_form(signer.form_token(visit), NOT_A_PHONE, typed)
            return answer(request, page, visit, 400)
        refused = limited(request, [phone_key(phone.e164)], now)
        if refused is not None:
            return refused
        with db.sessions() as session:
            known = own_card.card_of(session, phone) is not None
        if known:
            # After the answer has gone: an SMS gateway's delay must not tell who is known.
            background.add_task(send, phone, requester(request))
        asked = Visit(visit.nonce, int(now) + ASKED_SECONDS, phone.e164)
        return to(request, "code", asked)

    @pages.get("/code")
    def code_page(request: Request) -> Response:
        visit = signer.visit(request.cookies.get(COOKIE), clock())
        if visit is None or visit.phone is None or visit.uid is not None:
            return to(request, "./", None)
        page = html.code_form(signer.form_token(visit), Phone(visit.phone).masked())
        return answer(request, page, None)

    @pages.post("/code")
    async def code(request: Request) -> Response:
        now = clock()
        visit, fields = await posted(request, now)
        if visit is None or visit.phone is None or visit.uid is not None:
            visit = fresh(now)
            return answer(request, html.phone_form(signer.form_token(visit), EXPIRED), visit, 400)
        refused = limited(request, [address_key(request), phone_key(visit.phone)], now)
        if refused is not None:
            return refused
        typed = fields.get("code", "").strip()[:12]
        phone = Phone(visit.phone)
        uid = right_code(phone, typed, requester(request))
        if uid is None:
            page = html.code_form(signer.form_token(visit), phone.masked(), WRONG_CODE)
            return answer(request, page, visit, 400)
        # A new nonce: a visit someone planted before the code is not the signed-in one.
        signed = Visit(
            secrets.token_urlsafe(18), int(now) + settings.page_minutes * 60, phone.e164, uid
        )
        return to(request, "./", signed)

    @pages.post("/logout")
    async def logout(request: Request) -> Response:
        visit, _ = await posted(request, clock())
        if visit is not None and visit.uid is not None:
            counters.sign_out(visit)
        response = to(request, "./", None)
        response.delete_cookie(COOKIE, path=f"{PREFIX}/", httponly=True, samesite="strict")
        return response

    return pages

"""Bearer tokens, one per till: made once by the admin command, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from bonuspos_server.data.models import Store, Till
from bonuspos_server.web.problems import unauthorized

TOKEN_PREFIX = "bpt_"


@dataclass(frozen=True, slots=True)
class Caller:
    """The till a request comes from, as its token says."""

    till_id: int
    store: str
    till: str
    registered_at: datetime


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a plain digest is safe; no salt or stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (the scheme in any case, any
    spaces around the token), or None when the header is missing or not of that form."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def identify(session: Session, authorization: str | None) -> Caller:
    token = bearer_token(authorization)
    if token is None:
        raise unauthorized("Send the till's token as 'Authorization: Bearer <token>'")
    return identify_hash(session.connection(), token_hash(token))


def identify_hash(connection: Connection, digest: str) -> Caller:
    """The till whose token hashes to `digest`; 401 when unknown or revoked."""
    row = connection.execute(_BY_TOKEN, {"token_hash": digest}).first()
    if row is None or row.revoked_at is not None:
        raise unauthorized("The token is unknown or has been revoked")
    return Caller(*row[:4])


_BY_TOKEN = (
    select(Till.id, Store.code, Till.code, Till.registered_at, Till.revoked_at)
    .join(Store, Store.id == Till.store_id)
    .where(Till.token_hash == bindparam("token_hash"))
)

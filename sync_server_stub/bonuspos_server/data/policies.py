"""The programme's policy as the server keeps it: versioned, the newest in force."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from bonuspos.domain.policy import Policy
from bonuspos_server.data.models import PolicyVersion


def current(session: Session) -> Policy:
    newest = session.connection().execute(_NEWEST).scalar_one()
    policy = version(session, newest)
    assert policy is not None, "the first migration writes policy version 1"
    return policy


_NEWEST = select(func.max(PolicyVersion.version))

# A policy version never changes once written, so each is read once per database.
_VERSIONS: dict[tuple[URL, int], Policy] = {}


def version(session: Session, number: int) -> Policy | None:
    key = (session.get_bind().engine.url, number)
    if key not in _VERSIONS:
        row = session.get(PolicyVersion, number)
        if row is None:
            return None
        _VERSIONS[key] = Policy.from_dict(json.loads(row.body))
    return _VERSIONS[key]

"""The programme's policy as the server keeps it: versioned, the newest in force."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from bonuspos.domain.policy import Policy
from bonuspos_server.models import PolicyVersion


def current(session: Session) -> Policy:
    row = session.execute(
        select(PolicyVersion).order_by(PolicyVersion.version.desc()).limit(1)
    ).scalar_one()
    return Policy.from_dict(json.loads(row.body))


# A policy version never changes once written, so each is read once per database.
_VERSIONS: dict[tuple[str, int], Policy] = {}


def version(session: Session, number: int) -> Policy | None:
    key = (str(session.get_bind().engine.url), number)
    if key not in _VERSIONS:
        row = session.get(PolicyVersion, number)
        if row is None:
            return None
        _VERSIONS[key] = Policy.from_dict(json.loads(row.body))
    return _VERSIONS[key]

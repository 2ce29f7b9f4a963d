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


def version(session: Session, number: int) -> Policy | None:
    row = session.get(PolicyVersion, number)
    return Policy.from_dict(json.loads(row.body)) if row else None

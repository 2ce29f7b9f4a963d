"""A till offline for a week with 5,000 sales sends them all, in order, when the link is back."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from bonuspos.domain.customer import CustomerForm
from bonuspos.services.clock import ManualClock
from bonuspos.services.till import Till
from bonuspos.sync import status
from bonuspos.sync.client import ServerClient
from bonuspos.sync.push import push_all
from bonuspos_server.data.models import Event, Sale
from bonuspos_server.data.models import Till as ServerTill
from tests.support import MINSK, sell
from tests.sync.conftest import Central

SALES = int(os.environ.get("BONUSPOS_OUTAGE_SALES", "5000"))
WEEK = timedelta(days=7)


def test_a_week_of_offline_sales_drains_completely_and_in_order(
    central: Central, shop: Till, now_clock: ManualClock
) -> None:
    config = central.new_till()
    with central.db.sessions() as session, session.begin():
        # The till was installed before the outage began.
        session.execute(
            update(ServerTill)
            .where(ServerTill.code == config.till)
            .values(registered_at=datetime.now(MINSK) - WEEK - timedelta(days=1))
        )
    now_clock.advance(-WEEK)
    anna = shop.registration.register(CustomerForm("Зайцева Анна", "+375 29 555-05-01", True, True))
    step = WEEK / SALES
    for n in range(SALES):
        now_clock.advance(step)
        sell(shop, {"CB-USBC": 1}, card=anna if n % 3 == 0 else None)
    assert status.read(shop.db).waiting == SALES + 1

    with ServerClient(config) as client:
        pushed = push_all(shop.db, client, shop.clock.now)

    assert (pushed.accepted, pushed.rejected) == (SALES + 1, 0)
    assert status.read(shop.db).waiting == 0
    with central.db.sessions() as session:
        till_id = session.scalar(select(ServerTill.id).where(ServerTill.code == config.till))
        times = session.scalars(
            select(Event.occurred_at).where(Event.till_id == till_id).order_by(Event.seq)
        ).all()
        mine = select(func.count()).select_from(Sale).where(Sale.till_id == till_id)
        sales = session.scalar(mine)
    assert times == sorted(times)  # applied in the till's own order
    assert sales == SALES

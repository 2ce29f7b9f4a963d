"""The catalog is the server's: a till selling at tags of its own is credited the catalog's
points, and its next pull puts its tags right."""

from __future__ import annotations

from sqlalchemy import select, text

from bonuspos.domain.customer import CustomerForm
from bonuspos.services.till import Till
from bonuspos_server.data.models import Customer, Sale
from tests.support import sell
from tests.sync.conftest import Central, sync

EVERY_DATABASE = True  # tests/sync/conftest.py runs these on SQLite and PostgreSQL


def test_a_till_whose_tags_were_changed_is_credited_the_catalogs_points_and_put_right(
    central: Central, shop: Till
) -> None:
    config = central.new_till()
    anna = shop.registration.register(CustomerForm("Тегова Анна", "+375 29 555-61-01", True, True))
    sync(shop, config)  # the catalog and its price list are the server's now
    with shop.db.engine.begin() as conn:  # someone edits the till's database
        conn.execute(text("UPDATE products SET points = 200000 WHERE sku = 'TV-55Q'"))
    assert shop.catalog.find("TV-55Q").line(1).points_per_unit.minor == 2_000_00

    sold = sell(shop, {"TV-55Q": 1}, card=anna)
    assert sold.earned.minor == 2_000_00  # what the till believed
    sync(shop, config)

    with central.db.sessions() as session:
        sale = session.get(Sale, sold.sale_id)
        assert sale is not None
        assert (sale.earned, sale.flag) == (75_00, "price-mismatch")
        total = session.execute(
            select(Customer.total).where(Customer.phone == "+375295556101")
        ).scalar_one()
    assert total == 75_00
    assert shop.catalog.find("TV-55Q").line(1).points_per_unit.minor == 75_00
    card = shop.lookup.find("+375 29 555-61-01")
    assert card is not None
    assert card.balance.pending.minor == 75_00

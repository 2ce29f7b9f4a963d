from bonuspos.domain.money import Points
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import sell


def test_a_sale_with_a_card_earns_the_price_tag_points(till: Till, anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 2}, card=anna)
    assert receipt.earned == Points(9_00)

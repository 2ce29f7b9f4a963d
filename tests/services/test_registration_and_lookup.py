"""Finding and issuing cards at the till: by phone in any form, by plastic card, by name."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bonuspos.domain.card import ean13_check_digit
from bonuspos.domain.customer import CustomerForm, FormError
from bonuspos.domain.errors import InvalidCardNumber
from bonuspos.domain.money import Points
from bonuspos.ledger.models import Customer, OutboxEvent
from bonuspos.services.errors import AlreadyRegistered
from bonuspos.services.till import Till
from bonuspos.services.views import CardView
from tests.support import sell


def count(till: Till, model: type) -> int:
    with till.db.reading() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("typed", ["+375 29 123-45-67", "375291234567", "80291234567", "291234567"])
def test_a_card_is_found_by_every_phone_form(till: Till, anna: CardView, typed: str) -> None:
    found = till.lookup.find(typed)
    assert found is not None
    assert found.customer_uid == anna.customer_uid
    assert found.full_name == "Иванова Анна Сергеевна"


def test_an_unknown_number_finds_nobody(till: Till, anna: CardView) -> None:
    assert till.lookup.find("+375 33 765-43-21") is None


def test_a_malformed_phone_is_refused_with_a_message(till: Till) -> None:
    with pytest.raises(InvalidCardNumber, match="мобильный"):
        till.lookup.find("+375 17 123-45-67")


def test_the_card_works_from_the_first_purchase(till: Till, anna: CardView) -> None:
    receipt = sell(till, {"HP-BT": 1}, card=anna)
    assert receipt.earned == Points(4_50)


def test_a_registration_is_queued_for_the_server(till: Till, anna: CardView) -> None:
    with till.db.reading() as s:
        types = s.execute(select(OutboxEvent.type)).scalars().all()
    assert types == ["customer_registered"]


def test_a_phone_already_in_the_programme_is_refused_and_nothing_changes(
    till: Till, anna: CardView
) -> None:
    with pytest.raises(AlreadyRegistered, match=r"\+375 29 \*\*\*-\*\*-67"):
        till.registration.register(CustomerForm("Другая Мария", "80291234567", True, True))
    assert count(till, Customer) == 1
    assert count(till, OutboxEvent) == 1


def test_a_bad_form_changes_nothing(till: Till) -> None:
    with pytest.raises(FormError):
        till.registration.register(CustomerForm("ООО Вектор", "80291234567", True, True))
    assert count(till, Customer) == 0
    assert count(till, OutboxEvent) == 0


def test_a_legacy_plastic_card_finds_its_holder(till: Till) -> None:
    number = "200000000042" + ean13_check_digit("200000000042")
    view = till.registration.register(
        CustomerForm("Сидоров Иван", "+375 25 511-22-33", True, True), plastic_card=number
    )
    found = till.lookup.find(number)
    assert found is not None
    assert found.customer_uid == view.customer_uid


def test_customers_are_found_by_the_beginnings_of_their_names(till: Till, anna: CardView) -> None:
    till.registration.register(CustomerForm("Иванов Пётр Ильич", "+375 44 222-33-44", True, True))
    till.registration.register(CustomerForm("Сидорова Анна", "+375 33 222-33-44", True, True))
    assert [c.full_name for c in till.lookup.search("иван").cards] == [
        "Иванов Пётр Ильич",
        "Иванова Анна Сергеевна",
    ]
    assert [c.full_name for c in till.lookup.search("Анна Ив").cards] == ["Иванова Анна Сергеевна"]
    assert [c.full_name for c in till.lookup.search("петр").cards] == ["Иванов Пётр Ильич"]
    assert till.lookup.search("   ").cards == ()


def test_a_name_search_with_more_matches_than_shown_says_so(till: Till) -> None:
    for n in range(22):
        till.registration.register(
            CustomerForm(f"Иванов Клиент{chr(ord('а') + n)}", f"+375 44 5{n:02d}-00-00", True, True)
        )
    found = till.lookup.search("иванов", limit=20)
    assert found.more
    assert len(found.cards) == 20
    assert [c.full_name for c in found.cards] == sorted(c.full_name for c in found.cards)
    assert not till.lookup.search("иванов", limit=22).more


@pytest.mark.parametrize("typed", ["15.03.1985", "1985-03-15", " 5.3.1985 "])
def test_a_birth_date_is_taken_as_the_customer_says_it_and_kept_as_iso(
    till: Till, typed: str
) -> None:
    till.registration.register(
        CustomerForm("Жук Павел", "+375 44 777-00-11", True, True, birth_date=typed)
    )
    with till.db.reading() as s:
        kept = s.execute(select(Customer.birth_date)).scalar_one()
    assert kept == ("1985-03-05" if typed.strip() == "5.3.1985" else "1985-03-15")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "15/03/1985",
            "Дата рождения «15/03/1985»: введите её как ДД.ММ.ГГГГ, например 15.03.1985",
        ),
        ("31.02.1985", "Даты 31.02.1985 нет в календаре: проверьте день и месяц"),
        ("15.03.1085", "Дата рождения 15.03.1085: проверьте год"),
    ],
)
def test_a_bad_birth_date_says_how_to_write_it_and_registers_nobody(
    till: Till, typed: str, message: str
) -> None:
    with pytest.raises(FormError) as refused:
        till.registration.register(
            CustomerForm("Жук Павел", "+375 44 777-00-11", True, True, birth_date=typed)
        )
    assert refused.value.fields == {"birth_date": message}
    assert count(till, Customer) == 0

"""Each rule's refusal says which check refused (`reason`) and with what figures (`params`),
beside its Russian message; `code` stays the family the protocol publishes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bonuspos.domain.card import Phone, PlasticCard, parse_card, parse_phone
from bonuspos.domain.cart import MAX_QUANTITY, MAX_UNIT_PRICE, Cart, Line, Tender, TenderKind
from bonuspos.domain.customer import CustomerForm, FormError, accept
from bonuspos.domain.day import DayTotals
from bonuspos.domain.errors import DomainError, InvalidInput
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY, Policy, require_aware
from bonuspos.domain.quote import CapReason, allocate, quote
from bonuspos.domain.returns import SoldLine, return_line
from bonuspos.domain.staff import KdfParams, Role, check_name, check_new_pin
from tests.support import minsk

NOON = minsk(2026, 11, 25, 12, 0)
TV = Line("TV", "Телевизор", Money(1000_00), 1, Points(30_00))


def refused(action: Callable[[], object]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def line(**changed: object) -> Line:
    fields: dict[str, object] = {
        "sku": "TV",
        "name": "Телевизор",
        "unit_price": Money(1000_00),
        "quantity": 1,
        "points_per_unit": Points(30_00),
    }
    return Line(**{**fields, **changed})  # type: ignore[arg-type]


def test_more_points_than_the_cap_names_the_cap_the_spend_and_why() -> None:
    quoted = quote(
        Cart((TV,)),
        tenders=[TenderKind.CASH],
        balance=Points(1_000_00),
        policy=Policy(version=2, cap_percent=25),
        at=NOON,
    )
    wrong = refused(lambda: quoted.settle(Points(250_01), [Tender(TenderKind.CASH, Money(1))]))

    assert wrong.code == "spend-refused"  # the problem type the server answers with
    assert wrong.reason == "spend-over-cap"
    assert dict(wrong.params) == {
        "cap": Points(250_00),
        "spend": Points(250_01),
        "cap_reason": CapReason.PERCENT,
        "cap_percent": 25,
    }
    assert wrong.message == (
        "Списать можно не больше 250,00 б., а не 250,01 б. (25% от суммы товаров без акций)"
    )


def test_a_balance_smaller_than_the_percent_is_the_reason_in_the_figures() -> None:
    quoted = quote(
        Cart((TV,)),
        tenders=[TenderKind.CASH],
        balance=Points(75_00),
        policy=DEFAULT_POLICY,
        at=NOON,
    )
    wrong = refused(lambda: quoted.settle(Points(80_00), []))
    assert (wrong.reason, wrong.params["cap_reason"]) == ("spend-over-cap", CapReason.BALANCE)
    assert wrong.params["cap"] == Points(75_00)


def test_the_figures_cannot_be_changed_after_the_refusal() -> None:
    wrong = refused(lambda: parse_phone("+375 17 123-45-67"))
    with pytest.raises(TypeError):
        wrong.params["operator"] = "29"  # type: ignore[index]


def test_a_refusal_raised_without_its_own_reason_is_known_by_its_family() -> None:
    plain = InvalidInput("Чек пуст: добавьте товар")
    assert (plain.reason, dict(plain.params)) == ("invalid-input", {})


SETTLED = quote(
    Cart((TV,)), tenders=[TenderKind.CASH], balance=Points(0), policy=DEFAULT_POLICY, at=NOON
)
SOLD = SoldLine(line_no=2, quantity=3, amount=Money(30_00), earned=Points(0), share=Points(0))

# What each check refuses: the family (`code`), the check (`reason`), its figures (`params`).
CASES: list[tuple[str, Callable[[], object], str, str, dict[str, object]]] = [
    (
        "a negative spend",
        lambda: SETTLED.settle(Points(-1), []),
        "spend-refused",
        "spend-negative",
        {"spend": Points(-1)},
    ),
    (
        "a tender other than the one quoted",
        lambda: SETTLED.settle(Points(0), [Tender(TenderKind.BANK_CARD, Money(1000_00))]),
        "invalid-input",
        "tenders-changed",
        {},
    ),
    (
        "a payment that is not the amount due",
        lambda: SETTLED.settle(Points(0), [Tender(TenderKind.CASH, Money(999_00))]),
        "invalid-input",
        "tenders-not-due",
        {"paid": Money(999_00), "due": Money(1000_00)},
    ),
    (
        "points spread over nothing eligible",
        lambda: allocate(Points(1_00), [Money(0)]),
        "invalid-input",
        "nothing-eligible",
        {},
    ),
    (
        "a quantity out of range",
        lambda: line(quantity=MAX_QUANTITY + 1),
        "invalid-input",
        "quantity-out-of-range",
        {"quantity": MAX_QUANTITY + 1, "most": MAX_QUANTITY},
    ),
    (
        "a negative price",
        lambda: line(unit_price=Money(-1), points_per_unit=Points(0)),
        "invalid-input",
        "price-negative",
        {"name": "Телевизор", "price": Money(-1)},
    ),
    (
        "a price beyond any real one",
        lambda: line(unit_price=MAX_UNIT_PRICE + Money(1)),
        "invalid-input",
        "price-too-high",
        {"name": "Телевизор", "most": MAX_UNIT_PRICE},
    ),
    (
        "negative price-tag points",
        lambda: line(points_per_unit=Points(-1)),
        "invalid-input",
        "tag-points-negative",
        {"name": "Телевизор"},
    ),
    (
        "price-tag points over the price",
        lambda: line(points_per_unit=Points(1000_01)),
        "invalid-input",
        "tag-points-over-price",
        {"name": "Телевизор"},
    ),
    (
        "a negative discount",
        lambda: line(discount=Money(-1)),
        "invalid-input",
        "discount-negative",
        {"name": "Телевизор"},
    ),
    (
        "a discount over the line",
        lambda: line(discount=Money(1000_01)),
        "invalid-input",
        "discount-over-line",
        {"name": "Телевизор"},
    ),
    ("one product on two lines", lambda: Cart((TV, TV)), "invalid-input", "line-twice", {}),
    (
        "a tender of nothing",
        lambda: Tender(TenderKind.CASH, Money(0)),
        "invalid-input",
        "tender-not-positive",
        {"amount": Money(0)},
    ),
    (
        "an amount that is not one",
        lambda: Points.parse("12,,50"),
        "invalid-amount",
        "not-an-amount",
        {"text": "12,,50"},
    ),
    (
        "returning nothing",
        lambda: return_line(SOLD, 0),
        "invalid-input",
        "return-quantity-not-positive",
        {"quantity": 0},
    ),
    (
        "returning more than is left",
        lambda: return_line(SOLD, 4),
        "invalid-input",
        "return-over-returnable",
        {"line_no": 2, "returnable": 3, "quantity": 4},
    ),
    ("no phone typed", lambda: parse_phone("  "), "invalid-card-number", "phone-empty", {}),
    (
        "letters in a phone",
        lambda: parse_phone("29 ABC"),
        "invalid-card-number",
        "phone-characters",
        {},
    ),
    (
        "another country's number",
        lambda: parse_phone("+7 912 123-45-67"),
        "invalid-card-number",
        "phone-not-belarusian",
        {},
    ),
    (
        "a landline",
        lambda: parse_phone("+375 17 123-45-67"),
        "invalid-card-number",
        "phone-operator-not-mobile",
        {"operator": "17", "operators": ("25", "29", "33", "44")},
    ),
    (
        "a number no operator gave",
        lambda: parse_phone("+375 29 012-34-56"),
        "invalid-card-number",
        "phone-no-such-number",
        {},
    ),
    (
        "a phone not in E.164",
        lambda: Phone("80291234567"),
        "invalid-card-number",
        "phone-not-e164",
        {},
    ),
    (
        "a plastic card that is not one",
        lambda: PlasticCard("4810000000012"),
        "invalid-card-number",
        "not-a-plastic-card",
        {},
    ),
    (
        "a card scanned with a wrong check digit",
        lambda: parse_card("2000000000010"),
        "invalid-card-number",
        "card-check-digit",
        {},
    ),
    (
        "a short PIN",
        lambda: check_new_pin("12345", Role.MANAGER),
        "invalid-input",
        "pin-length",
        {"shortest": 6, "longest": 8},
    ),
    (
        "a PIN anyone guesses",
        lambda: check_new_pin("1111", Role.CASHIER),
        "invalid-input",
        "pin-too-simple",
        {},
    ),
    (
        "a staff name of nothing",
        lambda: check_name("   "),
        "invalid-input",
        "staff-name-length",
        {"longest": 120},
    ),
    (
        "a damaged PIN hash",
        lambda: KdfParams.decode("md5$1$2$3$salt"),
        "invalid-input",
        "pin-params-damaged",
        {},
    ),
    (
        "a cap over the whole purchase",
        lambda: Policy(cap_percent=101),
        "invalid-input",
        "policy-out-of-range",
        {"setting": "cap_percent"},
    ),
    (
        "points that pay on the day they are earned",
        lambda: Policy(activation_days=0),
        "invalid-input",
        "policy-same-day-points",
        {"activation_days": 0},
    ),
    (
        "a zone that does not exist",
        lambda: Policy(timezone="Europe/Atlantis"),
        "invalid-input",
        "policy-unknown-timezone",
        {"timezone": "Europe/Atlantis"},
    ),
    (
        "a stored policy with text for figures",
        lambda: Policy.from_dict({**DEFAULT_POLICY.to_dict(), "cap_percent": "30"}),
        "invalid-input",
        "policy-damaged",
        {},
    ),
    (
        "a time with no zone",
        lambda: require_aware(datetime(2026, 11, 25, 12, 0)),  # noqa: DTZ001 (the point)
        "invalid-input",
        "time-without-zone",
        {"at": datetime(2026, 11, 25, 12, 0)},  # noqa: DTZ001
    ),
    (
        "damaged day totals",
        lambda: DayTotals.from_dict({}),
        "invalid-input",
        "day-totals-damaged",
        {"detail": "KeyError('revenue')"},
    ),
]


@pytest.mark.parametrize(
    ("action", "code", "reason", "params"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_each_check_refuses_with_its_reason_and_figures(
    action: Callable[[], object], code: str, reason: str, params: dict[str, object]
) -> None:
    wrong = refused(action)
    assert (wrong.code, wrong.reason, dict(wrong.params)) == (code, reason, params)
    assert wrong.message  # the Russian sentence stays for logs and the server's detail


def test_no_two_checks_share_a_reason() -> None:
    reasons = [case[3] for case in CASES]
    assert len(reasons) == len(set(reasons))


def test_a_refused_form_says_each_fields_reason_and_keeps_its_messages() -> None:
    form = CustomerForm("Анна", "+375 17 123-45-67", consent=False, not_legal_entity=False)
    form_error = refused(lambda: accept(form))
    assert isinstance(form_error, FormError)

    assert form_error.code == "invalid-form"
    assert {name: p.reason for name, p in form_error.problems.items()} == {
        "full_name": "form-name-incomplete",
        "phone": "phone-operator-not-mobile",
        "consent": "form-no-consent",
        "not_legal_entity": "form-not-private-person",
    }
    assert form_error.problems["phone"].params["operator"] == "17"
    assert form_error.fields["full_name"] == "Укажите фамилию и имя"


@pytest.mark.parametrize(
    ("full_name", "email", "field", "reason"),
    [
        ("ООО «Альфа»", "", "full_name", "form-legal-entity"),
        ("Анна 7", "", "full_name", "form-name-characters"),
        ("Петрова Анна", "anna@", "email", "form-email"),
    ],
)
def test_each_field_check_has_its_reason(
    full_name: str, email: str, field: str, reason: str
) -> None:
    form = CustomerForm(full_name, "+375291112233", True, True, email=email)
    form_error = refused(lambda: accept(form))
    assert isinstance(form_error, FormError)
    assert form_error.problems[field].reason == reason


def test_a_policy_with_another_percent_quotes_and_explains_with_it() -> None:
    quoted = quote(
        Cart((TV,)),
        tenders=[TenderKind.CASH],
        balance=Points(1_000_00),
        policy=Policy(version=3, cap_percent=40, hold_ttl=timedelta(minutes=5)),
        at=NOON,
    )
    assert (quoted.cap, quoted.cap_percent) == (Points(400_00), 40)
    assert quoted.cap_explanation == "40% от суммы товаров без акций"

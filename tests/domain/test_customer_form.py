"""Rule 2: anyone may join with the form; legal entities may not."""

from __future__ import annotations

import pytest

from bonuspos.domain.customer import CustomerForm, FormError, accept, name_tokens, normalise_name


def form(**changes: object) -> CustomerForm:
    fields: dict[str, object] = {
        "full_name": "Петров Пётр Петрович",
        "phone": "80441234567",
        "consent": True,
        "not_legal_entity": True,
    }
    fields.update(changes)
    return CustomerForm(**fields)  # type: ignore[arg-type]


def test_a_complete_form_is_accepted_with_the_phone_as_the_card() -> None:
    new = accept(form())
    assert new.phone.e164 == "+375441234567"
    assert new.full_name == "Петров Пётр Петрович"


def test_without_consent_to_the_rules_no_card_is_issued() -> None:
    with pytest.raises(FormError) as refused:
        accept(form(consent=False))
    assert set(refused.value.fields) == {"consent"}


@pytest.mark.parametrize(
    "name",
    [
        "ООО Ромашка Плюс",
        "ИП Сидоров Иван",
        "Ромашка LLC",
        "АО Ромашка",
        "ЧТУП Вектор Плюс",
        "ЗАО «Альфа»",
        "ЧП Петров",
    ],
)
def test_legal_entities_may_not_join(name: str) -> None:
    with pytest.raises(FormError, match="Юридические лица"):
        accept(form(full_name=name))


def test_the_cashier_must_confirm_a_private_person() -> None:
    with pytest.raises(FormError) as refused:
        accept(form(not_legal_entity=False))
    assert "not_legal_entity" in refused.value.fields


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(FormError) as refused:
        accept(form(full_name="Петров", phone="12345", consent=False, email="nope"))
    assert set(refused.value.fields) == {"full_name", "phone", "consent", "email"}


def test_names_are_searched_case_and_yo_insensitively() -> None:
    assert normalise_name("  Пётр   ПЕТРОВ ") == "петр петров"
    assert name_tokens("Римский-Корсаков Николай") == ["корсаков", "николай", "римский"]

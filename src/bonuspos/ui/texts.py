"""Every word the screens show goes through Qt's translator; these are the shared ones.

Source strings are Russian, the language of the stores; `resources/i18n/*.ts` carries
the English. A refusal of the rules is worded here from its reason and figures
(`refusal`), never shown as its Russian `message`, except one whose reason this module
does not know yet. The programme's word is «баллы» (points), never «бонусы».
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.clock_rule import Action, ClockBound, ClockImplausible
from bonuspos.domain.customer import FormError
from bonuspos.domain.errors import DomainError
from bonuspos.domain.policy import Policy
from bonuspos.domain.quote import CapReason, Exclusion, Quote
from bonuspos.domain.staff import Action as StaffAction
from bonuspos.domain.staff import Role

MINSK = ZoneInfo("Europe/Minsk")


def tr(text: str, context: str = "BonusPOS") -> str:
    return QCoreApplication.translate(context, text)


def tender_name(kind: TenderKind) -> str:
    return {
        TenderKind.CASH: tr("Наличные"),
        TenderKind.BANK_CARD: tr("Банковская карта"),
        TenderKind.INSTALLMENT_CARD: tr("Карта рассрочки"),
        TenderKind.CREDIT: tr("Кредит / рассрочка банка"),
    }[kind]


def channel_name(channel: Channel) -> str:
    return {
        Channel.IN_STORE: tr("В магазине"),
        Channel.WEB_PICKUP: tr("Заказ интернет-магазина"),
        Channel.PHONE: tr("Заказ по телефону"),
    }[channel]


def cap_reason(quote: Quote) -> str:
    """Why the quote's cap is what it is; the percent is the policy's it was quoted under."""
    return _cap_why(quote.cap_reason, quote.cap_percent)


def _cap_why(reason: CapReason, percent: int) -> str:
    return {
        CapReason.PERCENT: tr("{0}% от суммы товаров без акций").format(percent),
        CapReason.BALANCE: tr("все доступные баллы карты"),
        CapReason.OFFLINE_LIMIT: tr("лимит списания без связи с сервером"),
        CapReason.NOTHING_ELIGIBLE: tr("в чеке нет товаров, которые можно оплатить баллами"),
        CapReason.CREDIT_TENDER: tr("покупка в кредит или рассрочку: баллы не списываются"),
        CapReason.NO_CARD: tr("карта не предъявлена"),
    }[reason]


def exclusion(reason: Exclusion) -> str:
    return {
        Exclusion.PROMOTIONAL: tr("акция — баллы не начисляются и не списываются"),
        Exclusion.DISCOUNTED: tr("товар со скидкой — баллы не начисляются и не списываются"),
        Exclusion.CREDIT_TENDER: tr("кредит или рассрочка — баллы не начисляются и не списываются"),
        Exclusion.NO_CARD: tr("карта не предъявлена"),
    }[reason]


def role_name(role: Role) -> str:
    return {Role.CASHIER: tr("Кассир"), Role.MANAGER: tr("Менеджер")}[role]


def moment(at: datetime) -> str:
    """A time as the store's wall clock shows it: the store is in Minsk whatever the PC says."""
    return at.astimezone(MINSK).strftime("%d.%m.%Y %H:%M")


def rules_line(policy: Policy) -> str:
    """The programme's rules in a line, with the policy's figures."""
    if policy.activation_days == 1:
        return tr(
            "Баллы с ценника, активны со следующего дня; баллами — до {0}% покупки;"
            " акции, кредит и рассрочка — без баллов"
        ).format(policy.cap_percent)
    return tr(
        "Баллы с ценника, активны через {0} дн.; баллами — до {1}% покупки;"
        " акции, кредит и рассрочка — без баллов"
    ).format(policy.activation_days, policy.cap_percent)


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def refusal(refused: DomainError) -> str:
    """What the cashier reads when an action is refused, in the screen's language: worded
    from the refusal's reason and figures; its Russian message only for a reason not known
    here."""
    if isinstance(refused, ClockImplausible):
        return clock_refusal(refused)
    if isinstance(refused, FormError):
        return "; ".join(field_refusals(refused).values())
    words = _REFUSALS.get(refused.reason)
    if words is None:
        return refused.message
    try:
        return words(refused.params)
    except (KeyError, TypeError, ValueError):  # figures missing: the message still says it
        return refused.message


def _minutes(seconds: int) -> int:
    return max(1, -(-int(seconds) // 60))


def field_refusals(refused: FormError) -> dict[str, str]:
    """Each field of a refused customer form, and what is wrong with it."""
    return {field: refusal(problem) for field, problem in refused.problems.items()}


def _operator_refusal(params: Mapping[str, Any]) -> str:
    *some, last = params["operators"]
    return tr("Код оператора {0} не мобильный: нужен {1} или {2}").format(
        params["operator"], ", ".join(some), last
    )


def _wrong_pin(params: Mapping[str, Any]) -> str:
    if params["attempts_left"]:
        return tr("Неверный PIN: осталось попыток — {0}").format(params["attempts_left"])
    return tr("Неверный PIN")


def _approval_required(params: Mapping[str, Any]) -> str:
    return {
        StaffAction.RETURN: tr("Возврат: нужно подтверждение менеджера"),
        StaffAction.CORRECTION: tr("Корректировка баллов: нужно подтверждение менеджера"),
        StaffAction.CART_CANCELLED: tr("Отмена чека с товарами: нужно подтверждение менеджера"),
    }[StaffAction(params["action"])]


# Each refusal by its reason (`DomainError.reason`), worded from its figures (`params`).
_REFUSALS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # the points a sale spends
    "spend-negative": lambda p: tr("Нельзя списать отрицательное число баллов: {0}").format(
        p["spend"]
    ),
    "spend-over-cap": lambda p: tr("Списать можно не больше {0}, а не {1} ({2})").format(
        p["cap"], p["spend"], _cap_why(p["cap_reason"], p["cap_percent"])
    ),
    "tenders-changed": lambda p: tr("Способ оплаты изменился после расчёта: пересчитайте чек"),
    "tenders-not-due": lambda p: tr("Оплата {0} не равна сумме к оплате {1}").format(
        p["paid"], p["due"]
    ),
    "nothing-eligible": lambda p: tr("Баллами нечего оплачивать: в чеке нет подходящих товаров"),
    # the cart's lines and tenders
    "quantity-out-of-range": lambda p: tr("Количество должно быть целым, от 1 до {0}").format(
        p["most"]
    ),
    "price-negative": lambda p: tr("Цена не может быть отрицательной: {0}").format(p["name"]),
    "price-too-high": lambda p: tr("Цена больше {0}: {1}").format(p["most"], p["name"]),
    "tag-points-negative": lambda p: tr(
        "Баллы на ценнике не могут быть отрицательными: {0}"
    ).format(p["name"]),
    "tag-points-over-price": lambda p: tr("Баллов на ценнике больше, чем цена товара: {0}").format(
        p["name"]
    ),
    "discount-negative": lambda p: tr("Скидка не может быть отрицательной: {0}").format(p["name"]),
    "discount-over-line": lambda p: tr("Скидка больше стоимости строки: {0}").format(p["name"]),
    "line-twice": lambda p: tr("Один товар в чеке дважды: увеличьте количество в его строке"),
    "tender-not-positive": lambda p: tr("Сумма оплаты должна быть больше нуля: {0}").format(
        p["amount"]
    ),
    "not-an-amount": lambda p: tr("Не сумма: «{0}». Введите, например, 12,50").format(p["text"]),
    # returns
    "return-quantity-not-positive": lambda p: tr("Количество к возврату должно быть больше нуля"),
    "return-over-returnable": lambda p: tr(
        "Строка {0}: вернуть можно не больше {1} шт., а не {2}"
    ).format(p["line_no"], p["returnable"], p["quantity"]),
    # card numbers
    "phone-empty": lambda p: tr("Введите номер телефона"),
    "phone-characters": lambda p: tr("В номере телефона только цифры, пробелы, скобки и дефисы"),
    "phone-not-belarusian": lambda p: tr(
        "Не белорусский мобильный номер. Пример: +375 29 123-45-67"
    ),
    "phone-operator-not-mobile": _operator_refusal,
    "phone-no-such-number": lambda p: tr("Такого мобильного номера нет: проверьте цифры"),
    "phone-not-e164": lambda p: tr("Номер телефона не в формате +375XXXXXXXXX"),
    "not-a-phone": lambda p: tr("Не номер телефона"),
    "not-a-plastic-card": lambda p: tr("Не номер пластиковой карты"),
    "card-check-digit": lambda p: tr(
        "Номер карты с ошибкой в контрольной цифре: пересканируйте карту"
    ),
    # the customer form
    "form-legal-entity": lambda p: tr("Юридические лица и ИП не могут участвовать в программе"),
    "form-name-incomplete": lambda p: tr("Укажите фамилию и имя"),
    "form-name-characters": lambda p: tr("В ФИО только буквы, пробел, дефис и апостроф"),
    "form-no-consent": lambda p: tr("Без согласия с правилами программы карту оформить нельзя"),
    "form-not-private-person": lambda p: tr("Подтвердите, что покупатель — физическое лицо"),
    "form-email": lambda p: tr("Адрес почты выглядит неверно"),
    "birth-date-form": lambda p: tr(
        "Дата рождения «{0}»: введите её как ДД.ММ.ГГГГ, например 15.03.1985"
    ).format(p["text"]),
    "birth-date-not-a-day": lambda p: tr("Даты {0} нет в календаре: проверьте день и месяц").format(
        p["text"]
    ),
    "birth-date-year": lambda p: tr("Дата рождения {0}: проверьте год").format(p["text"]),
    "already-registered": lambda p: tr(
        "Номер {0} уже зарегистрирован в программе: найдите карту"
    ).format(p["phone"]),
    # staff
    "pin-length": lambda p: tr("PIN: от {0} до {1} цифр").format(p["shortest"], p["longest"]),
    "pin-too-simple": lambda p: tr("PIN слишком простой: не одна цифра подряд и не 1234…"),
    "staff-name-length": lambda p: tr("Имя сотрудника: от 1 до {0} печатных знаков").format(
        p["longest"]
    ),
    "pin-params-damaged": lambda p: tr("Параметры PIN повреждены"),
    "wrong-pin": _wrong_pin,
    "staff-locked": lambda p: tr("{0}: вход заблокирован до {1} после неверных PIN").format(
        p["name"], p["until"]
    ),
    "not-a-manager": lambda p: tr("Подтвердить может только менеджер: нужен PIN менеджера"),
    "approval-required": _approval_required,
    # what was done before
    "sale-already-completed": lambda p: tr(
        "Продажа №{0} уже проведена; повторно не проводится"
    ).format(p["number"]),
    "return-already-recorded": lambda p: tr("Этот возврат уже оформлен"),
    # the sale, its card and its goods
    "sale-id-invalid": lambda p: tr("Неверный номер продажи"),
    "cart-empty": lambda p: tr("Чек пуст: добавьте товар"),
    "order-number-missing": lambda p: tr("Для заказа из интернет-магазина укажите номер заказа"),
    "phone-order-needs-card": lambda p: tr("Заказ по телефону оформляется на карту покупателя"),
    "card-gone": lambda p: tr("Карта покупателя не найдена: найдите её заново"),
    "product-not-found": lambda p: tr("Товар «{0}» не найден в каталоге").format(p["code"]),
    "plastic-card-taken": lambda p: tr("Карта {0} уже выдана другому покупателю").format(p["card"]),
    "server-balance-smaller": lambda p: tr(
        "По данным сервера на карте доступно {0}: спишите не больше"
    ).format(p["available"]),
    # the customer's code, plastic card or a manager, above the verification threshold
    "verification-required": lambda p: tr("Нужен код из SMS покупателя"),
    "code-wrong": lambda p: tr("Неверный код из SMS: баллы не списаны"),
    "code-expired": lambda p: tr("Код устарел или уже использован: отправьте новый (F5)"),
    "codes-locked": lambda p: tr(
        "Слишком много неверных кодов: списание с карты заблокировано на {0} мин"
    ).format(_minutes(p["retry_after"])),
    "too-many-codes": lambda p: tr(
        "Коды на эту карту отправлялись слишком часто: повторите через {0} мин"
    ).format(_minutes(p["retry_after"])),
    "code-not-sent": lambda p: tr("Код не отправлен: нет связи с сервером"),
    "spend-proof-needed": lambda p: tr(
        "Без связи с сервером списать больше {0} можно только по пластиковой карте"
        " покупателя или с подтверждением менеджера"
    ).format(p["limit"]),
    "not-the-customers-plastic": lambda p: tr(
        "Это не карта покупателя: отсканируйте его пластиковую карту"
    ),
    # finding what is returned
    "receipt-not-on-this-till": lambda p: tr(
        "На этой кассе нет чека №{0}. Чек другой кассы — отсканируйте его штрихкод"
    ).format(p["number"]),
    "receipt-code-invalid": lambda p: tr(
        "Отсканируйте штрихкод чека или введите номер чека этой кассы"
    ),
    "receipt-no-such-line": lambda p: tr("В чеке №{0} нет строки {1}").format(
        p["number"], p["line_no"]
    ),
    "other-till-offline": lambda p: tr(
        "Чек другой кассы или магазина: нужна связь с сервером, а её нет. Оформите возврат"
        " на кассе, где была покупка, или когда связь появится"
    ),
    "sale-gone": lambda p: tr("Продажа не найдена: найдите чек заново"),
    "sale-not-found": lambda p: tr("Продажа не найдена: проверьте номер чека"),
    "sale-not-found-anywhere": lambda p: tr("Продажа с таким чеком не найдена ни на одной кассе"),
    "server-refused-receipt": lambda p: tr("Сервер не выдал чек: {0}").format(p["detail"]),
    "server-time-without-zone": lambda p: tr("Сервер прислал время продажи без часового пояса"),
    "return-nothing-chosen": lambda p: tr("Выберите, что возвращается"),
    "return-id-invalid": lambda p: tr("Неверный номер возврата"),
    # people and corrections
    "staff-not-found": lambda p: tr("Сотрудник не найден или отключён"),
    "pin-empty": lambda p: tr("Введите PIN"),
    "correction-reason-missing": lambda p: tr(
        "Укажите причину корректировки: без неё баллы не меняются"
    ),
    "correction-reason-too-long": lambda p: tr(
        "Причина: не длиннее {0} знаков, без служебных символов"
    ).format(p["longest"]),
    "day-report-missing": lambda p: tr("Отчёт за {0} не сохранялся: день не закрывали").format(
        day(p["day"])
    ),
    # the till's own data
    "storage-busy": lambda p: tr(
        "База кассы занята другой программой: ничего не записано."
        " Закройте другую программу или повторите через минуту"
    ),
    "storage-full": lambda p: tr(
        "На диске кассы нет места: ничего не записано. Позовите администратора"
    ),
    "storage-failed": lambda p: tr(
        "Не удалось записать в базу кассы ({0}): ничего не записано"
    ).format(p["detail"]),
    "day-totals-damaged": lambda p: tr("Итоги дня повреждены: {0}").format(p["detail"]),
    "time-without-zone": lambda p: tr("Время без часового пояса: {0}").format(p["at"].isoformat()),
    "policy-out-of-range": lambda p: tr("Политика программы: {0} вне допустимых пределов").format(
        p["setting"]
    ),
    "policy-same-day-points": lambda p: tr("Баллы не могут становиться доступными в день покупки"),
    "policy-unknown-timezone": lambda p: tr("Неизвестный часовой пояс: {0}").format(p["timezone"]),
    "policy-damaged": lambda p: tr("Политика программы повреждена"),
}


def clock_refusal(wrong: ClockImplausible) -> str:
    shown = wrong.now.strftime("%d.%m.%Y %H:%M")
    if wrong.bound is ClockBound.LAST_SYNC:
        why = tr("Часы кассы показывают {0} — раньше последней связи с сервером ({1}).").format(
            shown, wrong.floor.strftime("%d.%m.%Y %H:%M")
        )
    else:
        why = tr("Часы кассы показывают {0} — раньше выпуска этой версии программы ({1}).").format(
            shown, day(wrong.floor.date())
        )
    cannot = {
        Action.SALE: tr("Продажа невозможна"),
        Action.RETURN: tr("Возврат невозможен"),
        Action.REGISTRATION: tr("Оформление карты невозможно"),
    }[wrong.action]
    return tr("{0} {1}: исправьте дату и время компьютера и повторите").format(why, cannot)


def clock_warning(wrong: ClockImplausible) -> str:
    """The status bar's short line while the clock is wrong."""
    return tr("Часы кассы показывают {0}: продажи невозможны, исправьте дату и время").format(
        wrong.now.strftime("%d.%m.%Y %H:%M")
    )

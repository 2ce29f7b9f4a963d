"""Every word the screens show goes through Qt's translator; these are the shared ones.

Source strings are Russian, the language of the stores; `resources/i18n/*.ts` carries
the English. Messages raised by the rules (`DomainError.message`) are shown as they come,
except the refusals worded here from their figures (`refusal`).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication

from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.clock_rule import Action, ClockBound, ClockImplausible
from bonuspos.domain.errors import DomainError
from bonuspos.domain.quote import CapReason, Exclusion
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


def cap_reason(reason: CapReason) -> str:
    return {
        CapReason.PERCENT: tr("30% от суммы товаров без акций"),
        CapReason.BALANCE: tr("все доступные баллы карты"),
        CapReason.OFFLINE_LIMIT: tr("лимит списания без связи с сервером"),
        CapReason.NOTHING_ELIGIBLE: tr("в чеке нет товаров, которые можно оплатить баллами"),
        CapReason.CREDIT_TENDER: tr("покупка в кредит или рассрочку: баллы не списываются"),
        CapReason.NO_CARD: tr("карта не предъявлена"),
    }[reason]


def exclusion(reason: Exclusion) -> str:
    return {
        Exclusion.PROMOTIONAL: tr("акция — бонусы не начисляются и не списываются"),
        Exclusion.DISCOUNTED: tr("товар со скидкой — бонусы не начисляются и не списываются"),
        Exclusion.CREDIT_TENDER: tr(
            "кредит или рассрочка — бонусы не начисляются и не списываются"
        ),
        Exclusion.NO_CARD: tr("карта не предъявлена"),
    }[reason]


def role_name(role: Role) -> str:
    return {Role.CASHIER: tr("Кассир"), Role.MANAGER: tr("Менеджер")}[role]


def moment(at: datetime) -> str:
    """A time as the store's wall clock shows it: the store is in Minsk whatever the PC says."""
    return at.astimezone(MINSK).strftime("%d.%m.%Y %H:%M")


def rules_line() -> str:
    return tr(
        "Баллы с ценника, активны со следующего дня; баллами — до 30% покупки;"
        " акции, кредит и рассрочка — без баллов"
    )


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def refusal(refused: DomainError) -> str:
    """What the cashier reads when an action is refused, in the screen's language."""
    if isinstance(refused, ClockImplausible):
        return clock_refusal(refused)
    return refused.message


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

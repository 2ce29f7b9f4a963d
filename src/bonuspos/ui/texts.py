"""Every word the screens show goes through Qt's translator; these are the shared ones.

Source strings are Russian, the language of the stores; `resources/i18n/*.ts` carries
the English. Messages raised by the rules (`DomainError.message`) are shown as they come.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication

from bonuspos.domain.cart import Channel, TenderKind
from bonuspos.domain.quote import CapReason, Exclusion


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


def rules_line() -> str:
    return tr(
        "Баллы с ценника, активны со следующего дня; баллами — до 30% покупки;"
        " акции, кредит и рассрочка — без баллов"
    )


def day(value: date) -> str:
    return value.strftime("%d.%m.%Y")

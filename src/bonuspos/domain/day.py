"""A till's day in figures, and where the till's figures and the server's part.

Both sides count the same things from their own records: the till from its ledger, the
server from what it accepted (and credited, which may differ: a price mismatch, a return
recomputed). The manager's report sets them side by side; each row says whether they
agree, to the kopeck.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bonuspos.domain.cart import TenderKind
from bonuspos.domain.errors import InvalidInput
from bonuspos.domain.money import Money, Points


@dataclass(frozen=True, slots=True)
class CorrectionLine:
    adjustment_id: str
    points: Points  # signed
    reason: str


@dataclass(frozen=True, slots=True)
class DayTotals:
    """One till's calendar day (the store's, in its own zone): what it sold and moved."""

    receipts: int = 0  # completed sales
    returns: int = 0
    revenue: Mapping[TenderKind, Money] = field(default_factory=dict)  # sales, by tender
    money_back: Money = Money(0)  # given back by returns
    points_earned: Points = Points(0)
    points_spent: Points = Points(0)
    points_given_back: Points = Points(0)  # by returns: spent points back on the card
    points_taken_back: Points = Points(0)  # by returns: earned points off the card
    offline_sales: int = 0
    offline_over_limit: Points = Points(0)  # offline spending beyond the policy's limit
    corrections: tuple[CorrectionLine, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "receipts": self.receipts,
            "returns": self.returns,
            "revenue": {kind.value: money.minor for kind, money in sorted(self.revenue.items())},
            "money_back": self.money_back.minor,
            "points_earned": self.points_earned.minor,
            "points_spent": self.points_spent.minor,
            "points_given_back": self.points_given_back.minor,
            "points_taken_back": self.points_taken_back.minor,
            "offline_sales": self.offline_sales,
            "offline_over_limit": self.offline_over_limit.minor,
            "corrections": [
                {"adjustment_id": c.adjustment_id, "points": c.points.minor, "reason": c.reason}
                for c in self.corrections
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> DayTotals:
        try:
            revenue = data["revenue"]
            corrections = data["corrections"]
            if not isinstance(revenue, dict) or not isinstance(corrections, list):
                raise TypeError("revenue and corrections")
            return cls(
                receipts=_int(data, "receipts"),
                returns=_int(data, "returns"),
                revenue={TenderKind(k): Money(_whole(v)) for k, v in revenue.items()},
                money_back=Money(_int(data, "money_back")),
                points_earned=Points(_int(data, "points_earned")),
                points_spent=Points(_int(data, "points_spent")),
                points_given_back=Points(_int(data, "points_given_back")),
                points_taken_back=Points(_int(data, "points_taken_back")),
                offline_sales=_int(data, "offline_sales"),
                offline_over_limit=Points(_int(data, "offline_over_limit")),
                corrections=tuple(
                    CorrectionLine(
                        str(c["adjustment_id"]), Points(_whole(c["points"])), str(c["reason"])
                    )
                    for c in corrections
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"Итоги дня повреждены: {exc!r}", "day-totals-damaged", {"detail": repr(exc)}
            ) from exc


def _whole(value: object) -> int:
    if type(value) is not int:
        raise TypeError(f"not a whole number: {value!r}")
    return value


def _int(data: Mapping[str, object], key: str) -> int:
    return _whole(data[key])


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the side-by-side report."""

    what: str
    till: str
    server: str
    difference: str  # "" when they agree
    agrees: bool


def _signed(gap: int, text: str) -> str:
    """A difference as the till's figure minus the server's: "+" when the till has more."""
    return "" if not gap else ("+" if gap > 0 else "") + text


def _money_row(what: str, ours: Money, theirs: Money) -> Row:
    gap = ours.minor - theirs.minor
    return Row(what, str(ours), str(theirs), _signed(gap, str(Money(gap))), not gap)


def _points_row(what: str, ours: Points, theirs: Points) -> Row:
    gap = ours.minor - theirs.minor
    return Row(what, str(ours), str(theirs), _signed(gap, str(Points(gap))), not gap)


def _count_row(what: str, ours: int, theirs: int) -> Row:
    gap = ours - theirs
    return Row(what, str(ours), str(theirs), "" if not gap else f"{gap:+d}", not gap)


TENDER_NAMES = {
    TenderKind.CASH: "наличные",
    TenderKind.BANK_CARD: "банковская карта",
    TenderKind.INSTALLMENT_CARD: "карта рассрочки",
    TenderKind.CREDIT: "кредит / рассрочка банка",
}


def compare(till: DayTotals, server: DayTotals) -> tuple[Row, ...]:
    """The report's rows, till | server | difference, in the order a manager reads them."""
    rows = [
        _count_row("Чеков продажи", till.receipts, server.receipts),
        _count_row("Возвратов", till.returns, server.returns),
    ]
    for kind in TenderKind:
        ours, theirs = till.revenue.get(kind, Money(0)), server.revenue.get(kind, Money(0))
        if ours.minor or theirs.minor:
            rows.append(_money_row(f"Выручка: {TENDER_NAMES[kind]}", ours, theirs))
    rows += [
        _money_row("Выдано по возвратам", till.money_back, server.money_back),
        _points_row("Баллов начислено", till.points_earned, server.points_earned),
        _points_row("Баллов списано", till.points_spent, server.points_spent),
        _points_row("Баллов возвращено на карты", till.points_given_back, server.points_given_back),
        _points_row("Баллов снято возвратами", till.points_taken_back, server.points_taken_back),
        _count_row("Продаж без связи", till.offline_sales, server.offline_sales),
        _points_row(
            "Списано без связи сверх лимита", till.offline_over_limit, server.offline_over_limit
        ),
        _points_row(
            "Корректировки баллов",
            Points(sum(c.points.minor for c in till.corrections)),
            Points(sum(c.points.minor for c in server.corrections)),
        ),
    ]
    return tuple(rows)


def agree(rows: Sequence[Row]) -> bool:
    return all(row.agrees for row in rows)


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The store's calendar day as [start, end) instants, whatever the PC's own zone."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end

"""The quote: what a cart may spend in points, what it earns, and why.

`quote()` is what the screen proposes; `Quote.settle()` turns the cashier's choice into
the facts of a sale, refusing anything the rules forbid. The server calls the same two
functions to re-check a sale it receives, so till and server never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bonuspos.domain.cart import Cart, Line, Tender, TenderKind
from bonuspos.domain.errors import InvalidInput, SpendRefused
from bonuspos.domain.money import Money, Points, total, total_points
from bonuspos.domain.policy import Policy, require_aware


class Exclusion(StrEnum):
    """Why a line neither earns nor may be paid with points."""

    PROMOTIONAL = "promotional"
    DISCOUNTED = "discounted"
    CREDIT_TENDER = "credit_tender"
    NO_CARD = "no_card"

    @property
    def explanation(self) -> str:
        return _EXPLANATIONS[self]


_EXPLANATIONS = {
    Exclusion.PROMOTIONAL: "акция — баллы не начисляются и не списываются",
    Exclusion.DISCOUNTED: "товар со скидкой — баллы не начисляются и не списываются",
    Exclusion.CREDIT_TENDER: (
        "оплата в кредит или рассрочку — баллы не начисляются и не списываются"
    ),
    Exclusion.NO_CARD: "карта не предъявлена",
}


class CapReason(StrEnum):
    """Which limit set the most points the customer may spend."""

    PERCENT = "percent"  # the policy's share of the eligible amount
    BALANCE = "balance"  # the active balance is smaller
    OFFLINE_LIMIT = "offline_limit"  # the till is offline and its daily limit is smaller
    NOTHING_ELIGIBLE = "nothing_eligible"
    CREDIT_TENDER = "credit_tender"
    NO_CARD = "no_card"

    def explanation(self, percent: int) -> str:
        """Why, in Russian; `percent` is the policy's share the PERCENT cap was taken at."""
        return _CAP_EXPLANATIONS[self].format(percent=percent)


_CAP_EXPLANATIONS = {
    CapReason.PERCENT: "{percent}% от суммы товаров без акций",
    CapReason.BALANCE: "все доступные баллы карты",
    CapReason.OFFLINE_LIMIT: "лимит списания без связи с сервером",
    CapReason.NOTHING_ELIGIBLE: "в чеке нет товаров, которые можно оплатить баллами",
    CapReason.CREDIT_TENDER: "покупка в кредит или рассрочку: баллы не списываются",
    CapReason.NO_CARD: "карта не предъявлена",
}


@dataclass(frozen=True, slots=True)
class LineQuote:
    line: Line
    exclusion: Exclusion | None
    earns: Points

    @property
    def eligible(self) -> bool:
        return self.exclusion is None


@dataclass(frozen=True, slots=True)
class Quote:
    lines: tuple[LineQuote, ...]
    tender_kinds: frozenset[TenderKind]
    total: Money
    eligible: Money
    percent_cap: Points
    cap_percent: int  # the policy's share of the eligible amount that points may pay
    cap: Points
    cap_reason: CapReason
    earns: Points
    activates_on: date
    policy_version: int

    @property
    def cap_explanation(self) -> str:
        return self.cap_reason.explanation(self.cap_percent)

    def settle(self, spend: Points, tenders: Iterable[Tender]) -> Settlement:
        """The sale's facts for this spend and these tenders, or why they are refused."""
        paid = tuple(tenders)
        if spend.is_negative:
            raise SpendRefused(
                f"Нельзя списать отрицательное число баллов: {spend}",
                "spend-negative",
                {"spend": spend},
            )
        if spend > self.cap:
            raise SpendRefused(
                f"Списать можно не больше {self.cap}, а не {spend} ({self.cap_explanation})",
                "spend-over-cap",
                {
                    "cap": self.cap,
                    "spend": spend,
                    "cap_reason": self.cap_reason,
                    "cap_percent": self.cap_percent,
                },
            )
        kinds = frozenset(t.kind for t in paid)
        # Nothing to pay (free goods) needs no tender, as long as the quote assumed no credit.
        if (paid and kinds != self.tender_kinds) or (
            not paid and any(k.blocks_points for k in self.tender_kinds)
        ):
            raise InvalidInput(
                "Способ оплаты изменился после расчёта: пересчитайте чек", "tenders-changed"
            )
        due = self.total - spend.as_money()
        if (tendered := total([t.amount for t in paid])) != due:
            raise InvalidInput(
                f"Оплата {tendered} не равна сумме к оплате {due}",
                "tenders-not-due",
                {"paid": tendered, "due": due},
            )
        return Settlement(
            quote=self,
            spend=spend,
            tenders=paid,
            shares=allocate(
                spend, [lq.line.amount if lq.eligible else Money(0) for lq in self.lines]
            ),
        )


@dataclass(frozen=True, slots=True)
class Settlement:
    """A quote with the cashier's choice made: everything a completed sale records."""

    quote: Quote
    spend: Points
    tenders: tuple[Tender, ...]
    shares: tuple[Points, ...]  # the spent points that paid for each line, in line order

    @property
    def due(self) -> Money:
        return self.quote.total - self.spend.as_money()

    @property
    def earns(self) -> Points:
        return self.quote.earns


def quote(
    cart: Cart,
    *,
    tenders: Iterable[TenderKind],
    balance: Points | None,
    policy: Policy,
    at: datetime,
    has_card: bool = True,
    offline_room: Points | None = None,
) -> Quote:
    """Propose the points a cart may spend and earn.

    `balance` is the card's active balance, or None when the caller re-checks a sale
    whose balance was settled elsewhere (the server with an offline sale). `offline_room`
    is what the till's offline limit still allows for this card today, None when online.
    """
    require_aware(at)
    kinds = frozenset(tenders)
    credit = any(kind.blocks_points for kind in kinds)
    lines = tuple(_line_quote(line, credit=credit, has_card=has_card) for line in cart.lines)
    eligible = total([lq.line.amount for lq in lines if lq.eligible])
    percent_cap = Points(eligible.minor * policy.cap_percent // 100)
    cap, reason = _cap(percent_cap, balance, offline_room, credit=credit, has_card=has_card)
    return Quote(
        lines=lines,
        tender_kinds=kinds,
        total=cart.total,
        eligible=eligible,
        percent_cap=percent_cap,
        cap_percent=policy.cap_percent,
        cap=cap,
        cap_reason=reason,
        earns=total_points([lq.earns for lq in lines]),
        activates_on=policy.activation_date(at),
        policy_version=policy.version,
    )


def _line_quote(line: Line, *, credit: bool, has_card: bool) -> LineQuote:
    exclusion: Exclusion | None = None
    if not has_card:
        exclusion = Exclusion.NO_CARD
    elif line.promotional:
        exclusion = Exclusion.PROMOTIONAL
    elif line.discount:
        exclusion = Exclusion.DISCOUNTED
    elif credit:
        exclusion = Exclusion.CREDIT_TENDER
    earns = line.points_per_unit * line.quantity if exclusion is None else Points(0)
    return LineQuote(line, exclusion, earns)


def _cap(
    percent_cap: Points,
    balance: Points | None,
    offline_room: Points | None,
    *,
    credit: bool,
    has_card: bool,
) -> tuple[Points, CapReason]:
    if not has_card:
        return Points(0), CapReason.NO_CARD
    if credit:
        return Points(0), CapReason.CREDIT_TENDER
    if not percent_cap:
        return Points(0), CapReason.NOTHING_ELIGIBLE
    cap, reason = percent_cap, CapReason.PERCENT
    if balance is not None and balance < cap:
        cap, reason = max(balance, Points(0)), CapReason.BALANCE
    if offline_room is not None and offline_room < cap:
        cap, reason = max(offline_room, Points(0)), CapReason.OFFLINE_LIMIT
    return cap, reason


def allocate(spend: Points, weights: list[Money]) -> tuple[Points, ...]:
    """Split `spend` over lines in proportion to their amounts, summing exactly to `spend`.

    Largest remainder, ties to the earlier line, so a return gives back to each line
    exactly the share that paid for it.
    """
    whole = sum(w.minor for w in weights)
    if not spend:
        return tuple(Points(0) for _ in weights)
    if whole <= 0:
        raise InvalidInput(
            "Баллами нечего оплачивать: в чеке нет подходящих товаров", "nothing-eligible"
        )
    floors = [spend.minor * w.minor // whole for w in weights]
    rests = [spend.minor * w.minor % whole for w in weights]
    left = spend.minor - sum(floors)
    for i in sorted(range(len(weights)), key=lambda i: (-rests[i], i))[:left]:
        floors[i] += 1
    return tuple(Points(f) for f in floors)

"""The posts one fuzz example sends, and the forger's arithmetic for changing them.

A `Program` is the batches of one example, each with the token that sends it; mutations
(fuzz_mutations.py) edit it in place. `rederive_sale()` and `rederive_return()` make a
changed event agree with everything the server re-checks, with the domain's own rules,
as a till whose owner read the code would; `describe()` prints a program for a report.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bonuspos.domain.cart import Cart, Line, Tender, TenderKind
from bonuspos.domain.errors import DomainError
from bonuspos.domain.money import Money, Points
from bonuspos.domain.policy import DEFAULT_POLICY
from bonuspos.domain.quote import quote
from bonuspos.domain.returns import SoldLine, return_line
from tests.server.fuzz_pool import Event, Pool

_IDS = uuid.UUID("7d8b3f0e-5a61-4f0b-9c1e-2f4a6b8d0c13")  # fresh ids are uuid5 under this


@dataclass
class Post:
    """One POST /v1/events: whose token sends it, the till its body names, its events."""

    sender: str
    events: list[Event]
    names: str | None = None


@dataclass
class Program:
    """The posts one example sends, in order, and what mutations need while changing them."""

    pool: Pool
    posts: list[Post]
    made: int = 0  # fresh ids handed out

    def fresh(self) -> str:
        self.made += 1
        return str(uuid.uuid5(_IDS, str(self.made)))

    def next_seq(self) -> int:
        return 1 + max((e["seq"] for p in self.posts for e in p.events), default=0)

    def places(self, kind: str | None = None) -> list[tuple[Post, int]]:
        return [
            (post, k)
            for post in self.posts
            for k, event in enumerate(post.events)
            if kind is None or event["type"] == kind
        ]

    def pick(self, index: int, kind: str | None = None) -> tuple[Post, int] | None:
        places = self.places(kind)
        return places[index % len(places)] if places else None

    def sales(self) -> dict[str, Event]:
        found = dict(self.pool.sales)
        for post, k in self.places("sale_completed"):
            payload = post.events[k]["payload"]
            if isinstance(payload.get("sale_id"), str):
                found.setdefault(payload["sale_id"], payload)
        return found

    def returned_before(self, sale_id: str, event: Event) -> dict[int, int]:
        """Units of each line of the sale that returns sent before `event` brought back."""
        units: dict[int, int] = {}
        for post, k in self.places("sale_returned"):
            other = post.events[k]
            if other is event:
                break
            if other["payload"].get("sale_id") == sale_id:
                for line in other["payload"]["lines"]:
                    units[line["line_no"]] = units.get(line["line_no"], 0) + line["quantity"]
        return units


# --- the forger's arithmetic: what the server re-checks, re-derived with the domain ------


def rederive_sale(payload: Event) -> None:
    """Totals, earnings, shares, tenders and activation of a sale, from its lines."""
    try:
        lines = sorted(payload["lines"], key=lambda line: line["line_no"])
        cart = Cart(
            tuple(
                Line(
                    line["sku"],
                    line["sku"],
                    Money(line["unit_price"]),
                    line["quantity"],
                    Points(line["points_per_unit"]),
                    line["promotional"],
                    Money(line["discount"]),
                )
                for line in lines
            )
        )
        kinds = [TenderKind(t["kind"]) for t in payload["tenders"]] or [TenderKind.CASH]
        at = datetime.fromisoformat(payload["occurred_at"])
        quoted = quote(
            cart,
            tenders=kinds,
            balance=None,
            policy=DEFAULT_POLICY,
            at=at,
            has_card=payload["customer_uid"] is not None,
        )
        spend = min(payload["spent"], quoted.cap.minor)
        due = quoted.total.minor - spend
        tenders = [Tender(kinds[0], Money(due))] if due > 0 else []
        settled = quoted.settle(Points(spend), tenders)
    except (DomainError, ValueError, KeyError, TypeError):
        return  # nothing consistent to forge: the change goes as it is
    payload.update(
        total=quoted.total.minor,
        spent=spend,
        earned=quoted.earns.minor,
        activates_on=quoted.activates_on.isoformat(),
        tenders=[{"kind": t.kind.value, "amount": t.amount.minor} for t in tenders],
    )
    for line, lq, share in zip(lines, quoted.lines, settled.shares, strict=True):
        line.update(earned=lq.earns.minor, share=share.minor)


def rederive_return(program: Program, event: Event) -> None:
    """Each line's figures as the server computes them from the sale, and the totals."""
    payload = event["payload"]
    sale = program.sales().get(payload.get("sale_id"))
    before = program.returned_before(payload.get("sale_id"), event) if sale else {}
    sold = {line["line_no"]: line for line in sale["lines"]} if sale else {}
    for line in payload["lines"]:
        s = sold.get(line["line_no"])
        if s is None:
            continue
        try:
            back = return_line(
                SoldLine(
                    s["line_no"],
                    s["quantity"],
                    Money(s["unit_price"] * s["quantity"] - s["discount"]),
                    Points(s["earned"]),
                    Points(s["share"]),
                    before.get(s["line_no"], 0),
                ),
                line["quantity"],
            )
        except (DomainError, TypeError):
            continue
        line.update(
            money_back=back.money_back.minor,
            taken_back=back.points_taken_back.minor,
            given_back=back.points_given_back.minor,
        )
    add_up(payload)


def add_up(payload: Event) -> None:
    """A return's totals as the sums of its lines."""
    for figure in ("money_back", "taken_back", "given_back"):
        payload[figure] = sum(line[figure] for line in payload["lines"])


def rederive(program: Program, event: Event) -> None:
    if event["type"] == "sale_completed":
        rederive_sale(event["payload"])
    elif event["type"] == "sale_returned":
        rederive_return(program, event)


def describe(program: Program) -> str:
    """The posts in short: enough to replay a failing example by hand."""
    out = []
    for n, post in enumerate(program.posts, 1):
        named = f", body names {post.names}" if post.names else ""
        out.append(f"post {n}: {post.sender}'s token{named}")
        out += [f"  {_event(event)}" for event in post.events]
    return "\n".join(out)


def _short(value: Any) -> str:
    return str(value)[:8] if value else "-"


def _event(event: Event) -> str:
    p = event["payload"]
    head = f"seq {event['seq']} {_short(event['event_id'])} {event['type']} {event['occurred_at']}"
    if event["type"] == "sale_completed":
        lines = " ".join(
            f"[{x['line_no']}: {x['sku']}x{x['quantity']} at {x['unit_price']}"
            f" ppu {x['points_per_unit']} earned {x['earned']} share {x['share']}]"
            for x in p["lines"]
        )
        return (
            f"{head} sale {_short(p['sale_id'])} card {_short(p['customer_uid'])}"
            f" total {p['total']} spent {p['spent']} earned {p['earned']} {lines}"
        )
    if event["type"] == "sale_returned":
        lines = " ".join(
            f"[{x['line_no']}x{x['quantity']} money {x['money_back']}"
            f" taken {x['taken_back']} given {x['given_back']}]"
            for x in p["lines"]
        )
        return (
            f"{head} return {_short(p['return_id'])} of sale {_short(p['sale_id'])}"
            f" card {_short(p['customer_uid'])} money {p['money_back']}"
            f" taken {p['taken_back']} given {p['given_back']} {lines}"
        )
    if event["type"] == "balance_adjusted":
        return f"{head} card {_short(p['customer_uid'])} points {p['points']}"
    return f"{head} card {_short(p.get('customer_uid'))} phone {p.get('phone')}"

"""What a dishonest or broken till may send: hypothesis strategies that mutate honest streams.

A `Plan` picks some tills' honest streams (fuzz_pool.py), cuts them into batches and
applies mutations in turn: repeat, drop, swap or move events; re-send them under a new
event id or seq, or under new (or another event's) sale, return, card or adjustment ids;
scale any amount; flip a flag; respell an id; repeat or renumber the lines of a return;
point a return at another sale or an event at another card; claim another product; post
under another till's token; shift times (1970, far past, future); forge an adjustment.
A mutation either sends the changed figures as they are (a broken till) or re-derives
everything the server re-checks with the domain's own rules, so only the lie itself is
left for the server to catch (a till whose owner read the code).
Indices wrap around, so every drawn plan applies to any pool.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from tests.server.fuzz_pool import TILLS, Pool
from tests.server.fuzz_program import (
    Post,
    Program,
    add_up,
    rederive,
    rederive_return,
    rederive_sale,
)

# --- mutations ---------------------------------------------------------------------------


class Mutation:
    def apply(self, program: Program) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Repeat(Mutation):
    """The same event (id, seq, content) again, at the end of some post."""

    event: int
    into: int

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is not None:
            post, k = at
            target = program.posts[self.into % len(program.posts)]
            target.events.append(copy.deepcopy(post.events[k]))


@dataclass(frozen=True)
class Drop(Mutation):
    event: int

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is not None:
            del at[0].events[at[1]]


@dataclass(frozen=True)
class Swap(Mutation):
    """Two events change places (each keeps its seq), in one post or two."""

    a: int
    b: int

    def apply(self, program: Program) -> None:
        first, second = program.pick(self.a), program.pick(self.b)
        if first is not None and second is not None:
            (p, i), (q, j) = first, second
            p.events[i], q.events[j] = q.events[j], p.events[i]


@dataclass(frozen=True)
class Move(Mutation):
    """An event goes in another post, which may carry another till's token."""

    event: int
    to: int

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is not None:
            moved = at[0].events.pop(at[1])
            program.posts[self.to % len(program.posts)].events.append(moved)


@dataclass(frozen=True)
class Resend(Mutation):
    """The same content under a new event id: with a new seq, or this till's old one."""

    event: int
    same_seq: bool

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is not None:
            twin = copy.deepcopy(at[0].events[at[1]])
            twin["event_id"] = program.fresh()
            if not self.same_seq:
                twin["seq"] = program.next_seq()
            at[0].events.append(twin)


NAMED = {  # what each event records under an id of its own
    "sale_completed": "sale_id",
    "sale_returned": "return_id",
    "customer_registered": "customer_uid",
    "balance_adjusted": "adjustment_id",
}


@dataclass(frozen=True)
class Rename(Mutation):
    """The same event as a new one: new event id, seq, and sale, return, card or adjustment id."""

    event: int

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is not None:
            twin = copy.deepcopy(at[0].events[at[1]])
            twin.update(event_id=program.fresh(), seq=program.next_seq())
            if twin["type"] in NAMED:
                twin["payload"][NAMED[twin["type"]]] = program.fresh()
            at[0].events.insert(at[1] + 1, twin)


@dataclass(frozen=True)
class Collide(Mutation):
    """An event takes the sale, return, card or adjustment id of another of its kind."""

    event: int
    other: int

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is None:
            return
        event = at[0].events[at[1]]
        kind = event["type"]
        if kind not in NAMED or (there := program.pick(self.other, kind)) is None:
            return
        event["payload"][NAMED[kind]] = there[0].events[there[1]]["payload"][NAMED[kind]]


FACTORS = ("x0", "half", "x2", "x3", "x10", "x1000", "plus1", "minus1", "negated")


def scaled(value: int, factor: str) -> int:
    return {
        "x0": 0,
        "half": value // 2,
        "x2": value * 2,
        "x3": value * 3,
        "x10": value * 10,
        "x1000": value * 1000,
        "plus1": value + 1,
        "minus1": value - 1,
        "negated": -value,
    }[factor]


def amounts(payload: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where the payload holds integers (money, points, quantities, numbers)."""
    if isinstance(payload, dict):
        return [p for key, value in payload.items() for p in amounts(value, (*path, key))]
    if isinstance(payload, list):
        return [p for i, value in enumerate(payload) for p in amounts(value, (*path, i))]
    return [path] if isinstance(payload, int) and not isinstance(payload, bool) else []


def change_one(
    program: Program,
    event_index: int,
    find: Callable[[Any], list[tuple[Any, ...]]],
    which: int,
    again: bool,
    change: Callable[[Any], Any],
) -> None:
    """Change the `which`-th value `find` lists in one event's payload; `again`: re-derive."""
    if (at := program.pick(event_index)) is None:
        return
    event = at[0].events[at[1]]
    paths = find(event["payload"])
    if not paths:
        return
    *parents, key = paths[which % len(paths)]
    holder = event["payload"]
    for step in parents:
        holder = holder[step]
    holder[key] = change(holder[key])
    if again:
        rederive(program, event)


@dataclass(frozen=True)
class Scale(Mutation):
    """One amount scaled; `rederive`: everything the server re-checks made to agree with it."""

    event: int
    amount: int
    factor: str
    rederive: bool

    def apply(self, program: Program) -> None:
        change_one(program, self.event, amounts, self.amount, self.rederive,
                   lambda value: scaled(value, self.factor))  # fmt: skip


@dataclass(frozen=True)
class RepeatLine(Mutation):
    """A line of a return (or sale) listed `times` more times, with the totals summed."""

    event: int
    line: int
    times: int
    kind: str = "sale_returned"

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event, self.kind)) is None:
            return
        event = at[0].events[at[1]]
        lines = event["payload"]["lines"]
        line = lines[self.line % len(lines)]
        lines.extend(copy.deepcopy(line) for _ in range(self.times))
        if self.kind == "sale_returned":
            add_up(event["payload"])
        else:
            rederive_sale(event["payload"])


@dataclass(frozen=True)
class Renumber(Mutation):
    """A line of a return (or sale) names another line number."""

    event: int
    line: int
    to: int
    rederive: bool
    kind: str = "sale_returned"

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event, self.kind)) is None:
            return
        event = at[0].events[at[1]]
        lines = event["payload"]["lines"]
        lines[self.line % len(lines)]["line_no"] = self.to
        if self.rederive:
            rederive(program, event)


@dataclass(frozen=True)
class OtherSale(Mutation):
    """A return names another sale (of any till), with that sale's card if `rederive`."""

    event: int
    sale: int
    rederive: bool

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event, "sale_returned")) is None:
            return
        event = at[0].events[at[1]]
        sales = program.sales()
        target = list(sales)[self.sale % len(sales)]  # pool order: ids are random
        event["payload"]["sale_id"] = target
        if self.rederive:
            event["payload"]["customer_uid"] = sales[target]["customer_uid"]
            rederive_return(program, event)


@dataclass(frozen=True)
class OtherCard(Mutation):
    """A sale, return or sign-up names another card, or none."""

    event: int
    card: int
    rederive: bool

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is None:
            return
        event = at[0].events[at[1]]
        if "customer_uid" not in event["payload"]:
            return
        cards = [*program.pool.cards, None]
        event["payload"]["customer_uid"] = cards[self.card % len(cards)]
        if self.rederive:
            rederive(program, event)


@dataclass(frozen=True)
class OtherSku(Mutation):
    """A sale line claims another product (or an unknown one), keeping its price tag."""

    event: int
    line: int
    sku: str

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event, "sale_completed")) is not None:
            lines = at[0].events[at[1]]["payload"]["lines"]
            lines[self.line % len(lines)]["sku"] = self.sku


def flags(payload: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where the payload holds booleans (offline, promotional)."""
    if isinstance(payload, dict):
        return [p for key, value in payload.items() for p in flags(value, (*path, key))]
    if isinstance(payload, list):
        return [p for i, value in enumerate(payload) for p in flags(value, (*path, i))]
    return [path] if isinstance(payload, bool) else []


@dataclass(frozen=True)
class Flip(Mutation):
    """A yes/no turned over: an offline sale said online, a promotional line said not."""

    event: int
    flag: int
    rederive: bool

    def apply(self, program: Program) -> None:
        change_one(program, self.event, flags, self.flag, self.rederive, lambda value: not value)


SPELLINGS = ("upper", "urn", "braces")


@dataclass(frozen=True)
class Respell(Mutation):
    """An id written another way the protocol reads as the same uuid (or not)."""

    event: int
    key: str
    spelling: str

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is None:
            return
        event = at[0].events[at[1]]
        holder = event if self.key == "event_id" else event["payload"]
        value = holder.get(self.key)
        if isinstance(value, str):
            holder[self.key] = {
                "upper": value.upper(),
                "urn": f"urn:uuid:{value}",
                "braces": f"{{{value}}}",
            }[self.spelling]


SHIFTS = ("1970", "-30y", "-1y", "-40d", "-1d", "-1h", "+4min", "+1h", "+1d", "+10y")


def shifted(text: str, by: str) -> str:
    at = datetime.fromisoformat(text)
    if by == "1970":
        return datetime(1970, 1, 1, tzinfo=UTC).isoformat()
    deltas = {
        "-30y": timedelta(days=-30 * 365),
        "-1y": timedelta(days=-365),
        "-40d": timedelta(days=-40),
        "-1d": timedelta(days=-1),
        "-1h": timedelta(hours=-1),
        "+4min": timedelta(minutes=4),
        "+1h": timedelta(hours=1),
        "+1d": timedelta(days=1),
        "+10y": timedelta(days=10 * 365),
    }
    return (at + deltas[by]).isoformat()


@dataclass(frozen=True)
class Shift(Mutation):
    """An event dated otherwise: the envelope alone, or with the payload's own times."""

    event: int
    by: str
    envelope_only: bool
    rederive: bool

    def apply(self, program: Program) -> None:
        if (at := program.pick(self.event)) is None:
            return
        event = at[0].events[at[1]]
        event["occurred_at"] = shifted(event["occurred_at"], self.by)
        if not self.envelope_only:
            for key in ("occurred_at", "consented_at"):
                if key in event["payload"]:
                    event["payload"][key] = shifted(event["payload"][key], self.by)
        if self.rederive:
            rederive(program, event)


@dataclass(frozen=True)
class Impersonate(Mutation):
    """A post goes with another till's token; its body names that till, or the real one."""

    post: int
    till: int
    names_own: bool

    def apply(self, program: Program) -> None:
        post = program.posts[self.post % len(program.posts)]
        original = post.names or post.sender
        post.sender = TILLS[self.till % len(TILLS)]
        post.names = original if self.names_own else None


@dataclass(frozen=True)
class Retry(Mutation):
    """A post sent again, as a till does when the answer was lost."""

    post: int

    def apply(self, program: Program) -> None:
        i = self.post % len(program.posts)
        again = copy.deepcopy(program.posts[i])
        program.posts.insert(i + 1, again)


@dataclass(frozen=True)
class Forge(Mutation):
    """A till adjusts a card's balance on its own."""

    card: int
    points: int

    def apply(self, program: Program) -> None:
        post = program.posts[0]
        at = program.pool.streams[TILLS[0]][0]["occurred_at"]
        payload = {
            "adjustment_id": program.fresh(),
            "customer_uid": program.pool.cards[self.card % len(program.pool.cards)],
            "occurred_at": at,
            "points": self.points,
            "reason": "корректировка",
        }
        post.events.append(
            {
                "event_id": program.fresh(),
                "seq": program.next_seq(),
                "occurred_at": at,
                "type": "balance_adjusted",
                "payload": payload,
            }
        )


# --- plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Which tills' streams, cut into how many batches each, and the mutations in order."""

    tills: tuple[str, ...]
    cuts: int
    mutations: tuple[Mutation, ...] = field(default=())

    def program(self, pool: Pool) -> Program:
        posts = []
        for till in self.tills:
            stream = copy.deepcopy(pool.streams[till])
            size = -(-len(stream) // (self.cuts + 1))
            posts += [Post(till, stream[i : i + size]) for i in range(0, len(stream), size)]
        program = Program(pool, posts)
        for mutation in self.mutations:
            mutation.apply(program)
        program.posts = [post for post in program.posts if post.events]
        return program


INDEX = st.integers(0, 63)
SKUS = ("TV-55Q", "LP-14", "CB-USBC", "VC-ROB", "NO-SUCH-SKU")

MUTATIONS: st.SearchStrategy[Mutation] = st.one_of(
    st.builds(Repeat, INDEX, INDEX),
    st.builds(Drop, INDEX),
    st.builds(Swap, INDEX, INDEX),
    st.builds(Move, INDEX, INDEX),
    st.builds(Resend, INDEX, st.booleans()),
    st.builds(Rename, INDEX),
    st.builds(Collide, INDEX, INDEX),
    st.builds(Scale, INDEX, INDEX, st.sampled_from(FACTORS), st.booleans()),
    st.builds(RepeatLine, INDEX, INDEX, st.integers(1, 3)),
    st.builds(RepeatLine, INDEX, INDEX, st.integers(1, 2), st.just("sale_completed")),
    st.builds(Renumber, INDEX, INDEX, st.integers(1, 5) | st.just(99), st.booleans()),
    st.builds(OtherSale, INDEX, INDEX, st.booleans()),
    st.builds(OtherCard, INDEX, INDEX, st.booleans()),
    st.builds(OtherSku, INDEX, INDEX, st.sampled_from(SKUS)),
    st.builds(Shift, INDEX, st.sampled_from(SHIFTS), st.booleans(), st.booleans()),
    st.builds(Impersonate, INDEX, INDEX, st.booleans()),
    st.builds(Retry, INDEX),
    st.builds(Forge, INDEX, st.sampled_from((1, 100_00, 10**9))),
    st.builds(Flip, INDEX, INDEX, st.booleans()),
    st.builds(
        Respell,
        INDEX,
        st.sampled_from(("event_id", "sale_id", "return_id", "customer_uid", "adjustment_id")),
        st.sampled_from(SPELLINGS),
    ),
)

PLANS: st.SearchStrategy[Plan] = st.builds(
    Plan,
    st.lists(st.sampled_from(TILLS), min_size=1, max_size=len(TILLS), unique=True).map(tuple),
    st.integers(0, 3),
    st.lists(MUTATIONS, max_size=5).map(tuple),
)

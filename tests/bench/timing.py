"""Timing loops and percentiles for the benchmarks: ours and raw sqlite3, interleaved.

Each iteration runs both sides, alternating which goes first, each on its own sample, so
drift (a checkpoint, the page cache warming, another process) lands on both alike. Only the
call itself is timed, with `perf_counter_ns`; building its input is not. The collector
stays on, as at the till, but starts each loop from a clean, frozen heap.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter_ns

# Given an iteration number, build the input and return the call to time.
Prepared = Callable[[int], Callable[[], object]]


@dataclass(frozen=True, slots=True)
class Stats:
    """Latencies in milliseconds; percentiles by nearest rank."""

    n: int
    median: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, samples_ns: Sequence[int]) -> Stats:
        ordered = sorted(samples_ns)
        return cls(
            n=len(ordered),
            median=_rank(ordered, 50),
            p95=_rank(ordered, 95),
            p99=_rank(ordered, 99),
            max=ordered[-1] / 1e6,
        )

    def at(self, percentile: str) -> float:
        value: float = getattr(self, percentile)
        return value


def _rank(ordered: Sequence[int], percentile: float) -> float:
    return ordered[max(math.ceil(percentile / 100 * len(ordered)) - 1, 0)] / 1e6


@dataclass(frozen=True, slots=True)
class Budget:
    percentile: str  # "p95" or "p99"
    limit_ms: float

    def __str__(self) -> str:
        return f"{self.percentile} < {self.limit_ms:g} ms"


@dataclass(frozen=True, slots=True)
class Comparison:
    operation: str
    ours: Stats
    raw: Stats
    budget: Budget

    @property
    def ratio(self) -> float:
        """Ours over raw at the budget's percentile."""
        return self.ours.at(self.budget.percentile) / self.raw.at(self.budget.percentile)

    @property
    def median_ratio(self) -> float:
        return self.ours.median / self.raw.median

    @property
    def within_budget(self) -> bool:
        return self.ours.at(self.budget.percentile) < self.budget.limit_ms


def interleaved(ours: Prepared, raw: Prepared, iterations: int, warmup: int) -> tuple[Stats, Stats]:
    """Time `iterations` calls of each side after `warmup` untimed ones."""
    for i in range(warmup):
        ours(i)()
        raw(i)()
    ours_ns: list[int] = []
    raw_ns: list[int] = []
    with _clean_heap():
        for i in range(warmup, warmup + iterations):
            pairs = ((ours, ours_ns), (raw, raw_ns))
            for prepared, samples in pairs if i % 2 else reversed(pairs):
                call = prepared(i)
                started = perf_counter_ns()
                call()
                samples.append(perf_counter_ns() - started)
    return Stats.of(ours_ns), Stats.of(raw_ns)


def alone(prepared: Prepared, iterations: int, warmup: int) -> Stats:
    """Time one side on its own, for a breakdown with no raw counterpart."""
    for i in range(warmup):
        prepared(i)()
    samples: list[int] = []
    with _clean_heap():
        for i in range(warmup, warmup + iterations):
            call = prepared(i)
            started = perf_counter_ns()
            call()
            samples.append(perf_counter_ns() - started)
    return Stats.of(samples)


@contextmanager
def _clean_heap() -> Iterator[None]:
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def triple(stats: Stats) -> str:
    return f"{ms(stats.median)} / {ms(stats.p95)} / {ms(stats.p99)}"


def render_text(comparisons: Sequence[Comparison]) -> str:
    lines = []
    for c in comparisons:
        verdict = "met" if c.within_budget else "MISSED"
        lines += [
            f"{c.operation}",
            f"  ours  median {ms(c.ours.median)}  p95 {ms(c.ours.p95)}  p99 {ms(c.ours.p99)}"
            f"  max {ms(c.ours.max)} ms  (n={c.ours.n})",
            f"  raw   median {ms(c.raw.median)}  p95 {ms(c.raw.p95)}  p99 {ms(c.raw.p99)}"
            f"  max {ms(c.raw.max)} ms  (n={c.raw.n})",
            f"  ratio ×{c.median_ratio:.1f} at the median, ×{c.ratio:.1f} at {c.budget.percentile}"
            f";  budget {c.budget}: {verdict}",
        ]
    return "\n".join(lines)


def render_markdown(comparisons: Sequence[Comparison], customers: int) -> str:
    rows = [
        f"| Operation, {customers:,} customers | BonusPOS median / p95 / p99, ms "
        "| raw sqlite3 median / p95 / p99, ms | ratio (median; budget percentile) "
        "| budget |",
        "|---|---:|---:|---:|---|",
    ]
    for c in comparisons:
        mark = "✅" if c.within_budget else "❌"
        rows.append(
            f"| {c.operation} | {triple(c.ours)} | {triple(c.raw)} "
            f"| ×{c.median_ratio:.1f}; ×{c.ratio:.1f} at {c.budget.percentile} "
            f"| {c.budget} {mark} |"
        )
    return "\n".join(rows)

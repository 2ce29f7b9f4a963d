"""The benchmark still runs, end to end, on a tiny till; and what it seeds and writes is sound.

Nothing here times anything: benchmarks are never timed tests. The figures come from
`python -m tests.bench.bench_lookup`, run by hand on a quiet machine.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pytest

from bonuspos.domain.card import PlasticCard, parse_card, parse_phone
from bonuspos.domain.ledger import GENESIS_HASH, EntryKind, LedgerEntry, chain_hash
from bonuspos.domain.money import Points
from bonuspos.ledger import custody
from bonuspos.services.till import DB_NAME
from tests.bench import bench_lookup
from tests.bench.bench_lookup import NAME, PHONE, PLASTIC, SALE, Settings, run
from tests.bench.seed import Seeded, seeded_database

TINY = Settings(iterations=20, sales=10, warmup=4)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seeded_database(2_000, tmp_path_factory.mktemp("seed"))


def test_the_benchmark_times_every_operation_for_both_sides(seeded: Seeded, tmp_path: Path) -> None:
    report = run(seeded.path, tmp_path / "till", TINY)

    assert [c.operation for c in report.comparisons] == [PHONE, PLASTIC, NAME, SALE]
    assert [(c.ours.n, c.raw.n) for c in report.comparisons] == [(20, 20)] * 3 + [(10, 10)]
    assert report.customers == 2_000


def test_the_benchmark_prints_a_readme_table_and_saves_json(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "seed").mkdir()
    (tmp_path / "seed" / seeded.path.name).write_bytes(seeded.path.read_bytes())
    argv = ["--customers", "2000", "--iterations", "20", "--sales", "10", "--warmup", "4"]

    assert bench_lookup.main([*argv, "--results-dir", str(tmp_path)]) == 0

    out = capsys.readouterr().out
    assert "taken from the cache" in out
    assert "| Operation, 2,000 customers |" in out
    for operation in (PHONE, PLASTIC, NAME, SALE):
        assert f"| {operation} |" in out
    (saved,) = tmp_path.glob("bench-lookup-2000-*.json")
    figures = json.loads(saved.read_text(encoding="utf-8"))
    assert {c["operation"] for c in figures["comparisons"]} == {PHONE, PLASTIC, NAME, SALE}
    assert {"median", "p95", "p99"} <= figures["comparisons"][0]["ours"].keys()
    assert not list(tmp_path.glob("work-*")), "the benchmark's working copy was left behind"


def test_a_second_request_for_the_same_size_comes_from_the_cache(seeded: Seeded) -> None:
    again = seeded_database(2_000, seeded.path.parent)

    assert again.cached
    assert again.path == seeded.path


def test_seeded_customers_hold_numbers_the_till_accepts(seeded: Seeded) -> None:
    with closing(sqlite3.connect(seeded.path)) as con:
        custody.install(con)  # kept sealed, as the till keeps them
        phones = [p for (p,) in con.execute("SELECT phone_open(phone_sealed) FROM customers")]
        cards = [n for (n,) in con.execute("SELECT number FROM plastic_cards")]

    assert len(phones) == len(set(phones)) == 2_000
    assert all(parse_phone(p).e164 == p for p in phones)
    assert cards
    assert all(isinstance(parse_card(n), PlasticCard) for n in cards)


def test_seeded_names_are_indexed_word_by_word(seeded: Seeded) -> None:
    with closing(sqlite3.connect(seeded.path)) as con:
        untokenised = con.execute(
            "SELECT count(*) FROM customers AS c WHERE NOT EXISTS"
            " (SELECT 1 FROM customer_name_tokens AS t WHERE t.customer_id = c.id)"
        ).fetchone()[0]
        sample = con.execute("SELECT name_key FROM customers WHERE id = 1").fetchone()[0]

    assert untokenised == 0
    assert sample == sample.lower()
    assert len(sample.split()) == 3


def test_raw_sales_and_till_sales_keep_the_ledger_sound(seeded: Seeded, tmp_path: Path) -> None:
    run(seeded.path, tmp_path / "till", TINY)

    assert ledger_problems(tmp_path / "till" / DB_NAME) == []


def ledger_problems(path: Path) -> list[str]:
    """Breaks in the hash chain, and card balances that are not the sum of their entries."""
    problems = []
    with closing(sqlite3.connect(path)) as con:
        prev = GENESIS_HASH
        for row in con.execute(
            "SELECT l.id, l.prev_hash, l.hash, c.uid, l.sale_id, l.return_id, l.kind, l.points,"
            " l.active_from, l.occurred_at FROM ledger_entries AS l"
            " JOIN customers AS c ON c.id = l.customer_id ORDER BY l.id"
        ):
            entry_id, prev_hash, digest, uid, sale_id, return_id, kind, points, active, at = row
            entry = LedgerEntry(EntryKind(kind), Points(points), date.fromisoformat(active))
            expected = chain_hash(prev, uid, sale_id, return_id, entry, datetime.fromisoformat(at))
            if prev_hash != prev or digest != expected:
                problems.append(f"ledger entry {entry_id} breaks the chain")
            prev = digest
        problems += [
            f"card {customer_id}: balance {total}, ledger {ledger}"
            for customer_id, total, ledger in con.execute(
                "SELECT b.customer_id, b.total, coalesce(sum(l.points), 0) FROM card_balances AS b"
                " LEFT JOIN ledger_entries AS l ON l.customer_id = b.customer_id"
                " GROUP BY b.customer_id HAVING b.total != coalesce(sum(l.points), 0)"
            )
        ]
    return problems

"""The ledger benchmark, run tiny: it seeds, posts through the service, reads, reconciles and prints its figures
beside the aims. (How fast is for the benchmark itself to say: nothing here is timed.)"""

from __future__ import annotations

import pytest

from bench import ledger


@pytest.mark.timeout(120)
def test_a_tiny_run_prints_every_figure_beside_its_aim_and_reconciles(capsys: pytest.CaptureFixture[str]) -> None:
    ledger.main(["--entries", "2000", "--postings", "60", "--queries", "20", "--drivers", "10", "--hosts", "3"])

    printed = capsys.readouterr().out
    assert "SQLite: seeded 2000 entries" in printed
    for label in ("postings, one a transaction", "postings, 10 a transaction", "postings, 50 written together",
                  "balance", "history, newest 50", "history, 50 from the middle"):  # fmt: skip
        assert label in printed
    assert printed.count("aim >= 2,000/s") == 3
    assert "aim p95 <= 5 ms" in printed
    assert "0 differences in 2420 entries" in printed  # 2000 seeded, 180 postings of 2, 3 and 2 lines

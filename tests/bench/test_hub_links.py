"""The host-links benchmark, run tiny: it seeds, starts a real hub, opens the links, sends statuses through them and
prints its figures. (How fast is for the benchmark itself to say: nothing here is timed.)"""

from __future__ import annotations

import pytest

from bench import hub_links


@pytest.mark.timeout(180)
def test_a_tiny_run_opens_every_link_and_prints_its_figures(
    socket_enabled: None, capsys: pytest.CaptureFixture[str]
) -> None:
    hub_links.main(["--links", "20", "--seconds", "3", "--interval", "1", "--processes", "1"])

    printed = capsys.readouterr().out
    assert "links connected             20 of 20" in printed
    for label in ("status messages sent", "SSE events received", "status -> SSE event", "hub CPU", "hub RSS"):
        assert label in printed
    assert "aim p99 <= 500 ms" in printed

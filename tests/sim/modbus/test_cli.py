"""The Modbus simulator's state file: the energy total survives a restart, and a broken file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.modbus.cli import StateFileError, load_total_kwh, main, save_total_kwh


def test_the_energy_total_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "charger.json"
    assert load_total_kwh(state) is None
    save_total_kwh(state, 1240.5)
    assert load_total_kwh(state) == 1240.5


@pytest.mark.parametrize("content", ["", "{", '{"register_wh": 5}', '{"total_kwh": "many"}', '{"total_kwh": -1}'])
def test_a_broken_state_file_is_refused_and_kept(tmp_path: Path, content: str) -> None:
    state = tmp_path / "charger.json"
    state.write_text(content)
    with pytest.raises(StateFileError, match=r"charger\.json: no energy total in it"):
        load_total_kwh(state)
    assert state.read_text() == content


def test_the_command_line_stops_with_a_message_on_a_broken_state_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "charger.json"
    state.write_text("not json")
    assert main(["--profile", "alfen_eve", "--state", str(state)]) == 2
    assert "no energy total in it" in caplog.text

"""scripts/read_profile.py against the simulator: what it prints is what the charger's registers hold."""

from __future__ import annotations

import logging
from pathlib import Path
import re
import socket

import pytest

from custom_components.chargeshare.modbus.profile import ENERGY_UNITS
from custom_components.chargeshare.modbus.profile_loader import PROFILES_DIR
from scripts import read_profile
from sim.modbus import SimulatedModbusCharger
from tests.modbus.simulated import PROFILES, simulated

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def read(capsys: pytest.CaptureFixture[str], sim: SimulatedModbusCharger, *args: str) -> dict[str, str]:
    """Run the tool on `sim`'s profile; its lines by label (the first word), after a successful run."""
    assert await read_profile.run(["127.0.0.1", sim.profile.key, "--port", str(sim.port), *args]) == 0
    out = capsys.readouterr().out
    return {line.split()[0]: line for line in out.splitlines()[1:]}


def numbers(line: str) -> list[float]:
    """The physical values of a line: after '=' where a factor applies, else after '->'."""
    values = line.rsplit(" = " if " = " in line else " -> ", maxsplit=1)[-1]
    return [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", values.split("(")[0])]


@pytest.mark.parametrize("key", ["alfen_eve", "vestel_evc04", "phoenix_ev_cc", "heidelberg_energy_control"])
async def test_the_values_are_the_simulated_chargers(capsys: pytest.CaptureFixture[str], key: str) -> None:
    async with simulated(key) as sim:
        before = await read(capsys, sim)
        sim.plug_in()
        sim.advance(1800)  # half an hour of charging: the energy is no round number
        lines = await read(capsys, sim)
    assert before["status"].endswith("-> A (no_vehicle)")
    assert lines["status"].endswith("-> C (charging)")
    energy = PROFILES[key].energy
    assert energy is not None
    resolution_kwh = energy.scale * ENERGY_UNITS[energy.unit]
    assert numbers(lines["meter.energy"]) == [pytest.approx(sim.energy_kwh, abs=resolution_kwh)]
    assert lines["meter.energy"].endswith(" kWh")
    assert numbers(lines["meter.power"]) == [pytest.approx(sim.power_w)]
    assert numbers(lines["meter.currents"]) == [pytest.approx(sim.charging_current_a)] * 3
    assert numbers(lines["meter.voltages"]) == [230.0] * 3
    assert numbers(lines["current"]) == [pytest.approx(sim.limit_a)]


async def test_alfen_identity_comes_from_the_station_unit(capsys: pytest.CaptureFixture[str]) -> None:
    async with simulated("alfen_eve") as sim:
        lines = await read(capsys, sim)
    assert "raw [16768, 0] -> 16 A" in lines["current"]  # a float32, 16.0
    assert "holding 117..121 unit 200" in lines["identity.manufacturer"]
    assert lines["identity.manufacturer"].endswith("-> 'Alfen'")
    assert lines["identity.serial"].endswith("-> 'SIM-0001'")
    assert lines["detect.register"].endswith("-> 'Alfen' (matches /^Alfen/)")


async def test_vestel_strings_and_scattered_addresses(capsys: pytest.CaptureFixture[str]) -> None:
    async with simulated("vestel_evc04") as sim:
        lines = await read(capsys, sim)
    assert "input 1008, 1010, 1012" in lines["meter.currents"]
    assert "raw [86, 101, 115, 116, 101, 108, ... 10 words] -> 'Vestel'" in lines["identity.manufacturer"]
    assert lines["identity.model"].endswith("-> 'EVC04'")
    assert lines["phases.requires"].endswith("-> 1 (phase switching offered)")
    assert lines["watchdog.period_from"].endswith("-> 20 s")


async def test_phoenix_low_word_first_and_its_coil(capsys: pytest.CaptureFixture[str]) -> None:
    async with simulated("phoenix_ev_cc") as sim:
        lines = await read(capsys, sim)
    assert " ".join(lines["meter.energy"].split()).endswith(
        "holding 904..905 raw [54352, 18] -> 1234000 * 0.001 = 1234 kWh"
    )
    assert " ".join(lines["enable.register"].split()).endswith("coil 400 raw [1] -> 1 (on)")  # one bit, not a byte


async def test_rtu_framing_through_a_gateway(capsys: pytest.CaptureFixture[str]) -> None:
    async with simulated("heidelberg_energy_control") as sim:
        assert await read_profile.run(["127.0.0.1", "heidelberg_energy_control", "--port", str(sim.port)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header == (
        f"heidelberg_energy_control: Heidelberg Energy Control at 127.0.0.1:{sim.port}, unit 1, "
        "RTU framing, 100 ms between requests"
    )


async def test_a_profile_file_and_another_unit_id(capsys: pytest.CaptureFixture[str]) -> None:
    sim = SimulatedModbusCharger(PROFILES["alfen_eve"], unit_id=2)  # socket 2 of a Double
    await sim.start()
    try:
        path = str(PROFILES_DIR / "alfen_eve.yaml")
        assert await read_profile.run(["127.0.0.1", path, "--port", str(sim.port), "--unit", "2"]) == 0
    finally:
        await sim.stop()
    out = capsys.readouterr().out
    assert f"at 127.0.0.1:{sim.port}, unit 2\n" in out
    assert "error" not in out


async def test_an_exception_is_shown_on_its_line_and_the_rest_is_read(capsys: pytest.CaptureFixture[str]) -> None:
    async with simulated("vestel_evc04") as sim:
        sim.answer_with_exception(2, requests=1)  # the first read: status.cable
        lines = await read(capsys, sim)
    assert lines["status.cable"].endswith("error: read input 1004: illegal data address (2)")
    assert lines["status.charge"].endswith("raw [0] -> 0")
    assert lines["status"].endswith("-> unknown: a status register could not be read")
    assert lines["identity.firmware"].endswith("-> '1.0.0'")


async def test_no_answer_is_shown_on_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    async with simulated("phoenix_ev_cc") as sim:
        sim.stop_answering()  # pymodbus hangs up after three unanswered requests: the tool connects again
        lines = await read(capsys, sim, "--timeout", "0.1")
    assert lines["status.iec"].endswith("error: no answer to read input 100")
    assert lines["status"].endswith("-> unknown: a status register could not be read")
    assert lines["meter.energy"].endswith("error: no answer to read holding 904")
    assert len(lines) == 8  # every register, and the status


async def test_a_status_value_the_rules_do_not_cover(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (PROFILES_DIR / "webasto_next.yaml").read_text("utf-8")
    path = tmp_path / "no_charging_state.yaml"
    path.write_text(text.replace("    - {state: 3, status: C}", ""), "utf-8")
    async with simulated("webasto_next") as sim:
        sim.plug_in()
        assert await read_profile.run(["127.0.0.1", str(path), "--port", str(sim.port)]) == 0
    out = capsys.readouterr().out
    assert "raw [3] -> 3\n" in out
    assert re.search(r"^status +-> not in the profile$", out, re.MULTILINE)


async def test_a_charger_that_refuses_the_connection(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert await read_profile.run(["127.0.0.1", "vestel_evc04", "--port", str(port)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"cannot reach the charger: 127.0.0.1:{port}: connection refused\n"


async def test_a_broken_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (PROFILES_DIR / "vestel_evc04.yaml").read_text("utf-8")
    path = tmp_path / "my_charger.yaml"
    path.write_text(text.replace("type: uint16, unit: mA}", "type: uint16, unit: amps}"), "utf-8")
    assert await read_profile.run(["127.0.0.1", str(path)]) == 2
    assert capsys.readouterr().err == "my_charger.yaml: meter.currents.unit: expected one of: A, 0.1A, mA\n"


async def test_an_unknown_profile_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert await read_profile.run(["127.0.0.1", "vestel"]) == 2
    assert capsys.readouterr().err.startswith("no profile 'vestel' (shipped: abb_terra_ac, alfen_eve, ")


def test_main_runs_it_on_its_own_event_loop(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("", "utf-8")
    pymodbus_logger = logging.getLogger("pymodbus")
    level = pymodbus_logger.level
    try:
        assert read_profile.main(["127.0.0.1", str(tmp_path / "empty.yaml")]) == 2
    finally:
        pymodbus_logger.setLevel(level)  # main() quietens it, as a command line tool
    assert capsys.readouterr().err == "empty.yaml: expected a mapping\n"

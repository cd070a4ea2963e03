"""Profiles load, and a broken one is reported precisely: file, place, problem; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.chargeshare.modbus.profile_loader import PROFILES_DIR, ProfileError, load_profile, load_profiles
from custom_components.chargeshare.modbus.registers import DataType, Table

MINIMAL = """\
name: Test charger
manufacturer: Test
status:
  iec: {table: holding, address: 100, type: string, count: 2}
current:
  table: holding
  address: 200
  unit: A
"""


def write(tmp_path: Path, text: str, name: str = "my_charger.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_shipped_profile_loads() -> None:
    profiles = load_profiles()
    assert set(profiles) == {path.stem for path in PROFILES_DIR.glob("*.yaml")}
    assert {
        "alfen_eve",
        "abb_terra_ac",
        "webasto_next",
        "vestel_evc04",
        "keba_p30",
        "keba_p40",
        "amperfied_connect",
        "heidelberg_energy_control",
        "phoenix_ev_cc",
    } <= set(profiles)
    for key, profile in profiles.items():
        assert profile.key == key
        assert profile.status.registers


def test_a_minimal_profile_gets_the_documented_defaults(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL))
    assert (profile.port, profile.unit_id, profile.framer, profile.word_order) == (502, 1, "socket", "big")
    assert profile.current.register.table is Table.HOLDING
    assert profile.current.register.type is DataType.UINT16
    assert profile.current.write_fc == 6
    assert profile.current.readback == profile.current.register
    assert (profile.current.minimum_a, profile.current.maximum_a) == (6.0, 32.0)
    assert profile.enable.method == "current"
    assert profile.watchdog is None


def test_a_value_spanning_registers_defaults_to_function_code_16(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, MINIMAL.replace("  unit: A", "  type: float32\n  unit: A")))
    assert profile.current.write_fc == 16


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("  unit: A", "  unit: A\n  scale: ten"), "my_charger.yaml: current.scale: expected a number"),
        (("  unit: A", "  unit: kA"), "my_charger.yaml: current.unit: expected one of: A, 0.1A, mA"),
        (("  unit: A", "  unit: A\n  colour: red"), "my_charger.yaml: current: unknown key 'colour'"),
        (("address: 200", "address: 70000"), "my_charger.yaml: current.address: must be between 0 and 65535"),
        (
            ("  unit: A", "  type: float32\n  write: 6\n  unit: A"),
            "my_charger.yaml: current.write: function code 6 writes one register; this one needs 16",
        ),
        (
            ("table: holding\n  address: 200", "table: input\n  address: 200"),
            "my_charger.yaml: current.table: a current setpoint is a holding register",
        ),
        (("name: Test charger\n", ""), "my_charger.yaml: name: expected a text"),
        (("count: 2}", "count: 2, byte: low}"), "my_charger.yaml: status.iec.byte: needs type uint16"),
        (
            ("status:\n", "status:\n  rules: []\n"),
            "my_charger.yaml: status: give iec, or registers with rules, not both",
        ),
        (
            ("manufacturer: Test\n", "manufacturer: Test\nwatchdog: {method: write, period_s: 5}\n"),
            "my_charger.yaml: watchdog.register: method write needs the register to write",
        ),
        (
            ("manufacturer: Test\n", "manufacturer: Test\nwatchdog: {method: read}\n"),
            "my_charger.yaml: watchdog: give period_s, or period_from",
        ),
        (
            (
                "manufacturer: Test\n",
                "manufacturer: Test\ndetect: {register: {table: holding, address: 1}, pattern: '(x'}\n",
            ),
            "my_charger.yaml: detect.pattern: not a regular expression",
        ),
        (
            (
                "manufacturer: Test\n",
                "manufacturer: Test\nphases: {register: {table: holding, address: 9}, values: {1: 0}}\n",
            ),
            "my_charger.yaml: phases.values: expected the values for 1 and 3 phases",
        ),
        (
            (
                "manufacturer: Test\n",
                "manufacturer: Test\nenable: {method: register, register: {table: coil, address: 4}}\n",
            ),
            "my_charger.yaml: enable.register.table: method register needs table holding",
        ),
        (("name: Test charger", "name: [unclosed"), "my_charger.yaml: line 2: not valid YAML"),
    ],
)
def test_a_broken_profile_says_where_and_what(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in MINIMAL
    with pytest.raises(ProfileError) as raised:
        load_profile(write(tmp_path, MINIMAL.replace(old, new, 1)))
    assert str(raised.value).startswith(message)


def test_status_rules_name_only_their_registers(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  iec: {table: holding, address: 100, type: string, count: 2}",
        "  registers:\n    state: {table: input, address: 5}\n  rules:\n    - {state: 1, plug: 2, status: B}",
    )
    with pytest.raises(ProfileError, match=r"status.rules\[0\]: unknown key 'plug'"):
        load_profile(write(tmp_path, text))


def test_a_document_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"^my_charger\.yaml: expected a mapping$"):
        load_profile(write(tmp_path, "- a list\n"))


def test_a_missing_file_is_an_error_too(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"ghost\.yaml: cannot be read"):
        load_profile(tmp_path / "ghost.yaml")


def test_loading_a_folder_can_leave_a_broken_file_out(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL, "good.yaml")
    write(tmp_path, MINIMAL.replace("unit: A", "unit: kA"), "bad.yaml")
    with pytest.raises(ProfileError, match=r"bad\.yaml"):
        load_profiles(tmp_path)
    problems: list[ProfileError] = []
    assert set(load_profiles(tmp_path, on_error=problems.append)) == {"good"}
    assert [str(problem).split(":")[0] for problem in problems] == ["bad.yaml"]

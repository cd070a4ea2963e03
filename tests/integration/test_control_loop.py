"""The controller in Home Assistant: meters in (units, signs, staleness), decisions out to the charger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare import control_entry
from custom_components.chargeshare.charger import ChargerRejected
from custom_components.chargeshare.control.model import (
    ChargerLimits,
    ChargerReading,
    Decision,
    Mode,
    Settings,
    SiteReading,
)
from custom_components.chargeshare.control_entry import CONTROL_INTERVAL
from sim.modbus import SimulatedModbusCharger
from tests.waiting import until

from .helpers import modbus_entity_id

GRID = "sensor.grid"
SITE = {"grid_power": GRID, "grid_sign": "import"}


@dataclass
class RecordingController:
    """Stands in for control.controller.Controller: records what it is given, decides what the test says."""

    settings: Settings
    limits: ChargerLimits
    calls: list[tuple[datetime, SiteReading | None, ChargerReading]] = field(default_factory=list)

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision:
        self.calls.append((now, site, charger))
        return DECISION[0]


DECISION = [Decision(enabled=True, current_a=10, phases=3, reason="test", surplus_w=2300, write=True)]


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> list[RecordingController]:
    made: list[RecordingController] = []

    def make(settings: Settings, limits: ChargerLimits) -> RecordingController:
        made.append(RecordingController(settings, limits))
        return made[-1]

    monkeypatch.setattr(control_entry, "Controller", make)
    DECISION[0] = Decision(enabled=True, current_a=10, phases=3, reason="test", surplus_w=2300, write=True)
    return made


async def with_site(hass: HomeAssistant, entry: MockConfigEntry, **site: Any) -> None:
    hass.config_entries.async_update_entry(entry, options={**entry.options, "site": {**SITE, **site}})
    await hass.async_block_till_done()


async def select_mode(hass: HomeAssistant, entry: MockConfigEntry, mode: str) -> None:
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": modbus_entity_id(hass, "select", "charging_mode", entry), "option": mode},
        blocking=True,
    )
    await hass.async_block_till_done()


def state(hass: HomeAssistant, platform: str, key: str, entry: MockConfigEntry) -> str:
    return hass.states.get(modbus_entity_id(hass, platform, key, entry)).state


async def online(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await until(lambda: state(hass, "sensor", "status", entry) not in ("unavailable", "unknown"))


async def test_manual_mode_leaves_the_charger_alone(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, recording: list[RecordingController]
) -> None:
    await with_site(hass, setup_modbus)
    await online(hass, setup_modbus)
    assert state(hass, "select", "charging_mode", setup_modbus) == "manual"
    hass.states.async_set(GRID, "-3000", {"unit_of_measurement": "W"})
    async_fire_time_changed(hass, dt_util.utcnow() + CONTROL_INTERVAL)
    await hass.async_block_till_done()
    assert recording == []
    assert state(hass, "sensor", "surplus", setup_modbus) == "unknown"


async def test_a_decision_reaches_the_charger_and_the_sensors(
    hass: HomeAssistant,
    setup_modbus: MockConfigEntry,
    modbus_charger: SimulatedModbusCharger,
    recording: list[RecordingController],
) -> None:
    await with_site(hass, setup_modbus)
    await online(hass, setup_modbus)
    modbus_charger.plug_in()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "charging")
    hass.states.async_set(GRID, "-3000", {"unit_of_measurement": "W"})
    await select_mode(hass, setup_modbus, "solar")
    assert modbus_charger.limit_a == 10
    assert state(hass, "sensor", "surplus", setup_modbus) == "2300"
    assert float(state(hass, "sensor", "target_current", setup_modbus)) == 10
    assert state(hass, "sensor", "control_reason", setup_modbus) == "test"
    controller = recording[0]
    assert controller.settings.mode is Mode.SOLAR
    # the Alfen takes tenths of an ampere and switches phases
    assert controller.limits == ChargerLimits(min_a=6, max_a=16, resolution_a=0.1, max_phases=3, phase_switching=True)
    _, site, charger = controller.calls[-1]
    assert site is not None
    assert site.grid_w == -3000
    assert charger.connected
    assert charger.charging

    DECISION[0] = Decision(enabled=False, current_a=0, phases=3, reason="no sun", surplus_w=None, write=True)
    hass.states.async_set(GRID, "500", {"unit_of_measurement": "W"})  # a change of the meter runs the controller
    await hass.async_block_till_done()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "connected")
    assert modbus_charger.charging_current_a == 0
    assert state(hass, "sensor", "surplus", setup_modbus) == "unknown"

    DECISION[0] = Decision(enabled=True, current_a=8, phases=3, reason="sun", surplus_w=1900, write=True)
    async_fire_time_changed(hass, dt_util.utcnow() + CONTROL_INTERVAL)  # and so does the clock
    await hass.async_block_till_done()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "charging")
    assert modbus_charger.limit_a == 8


@pytest.mark.parametrize(
    ("reading", "unit", "sign", "grid_w"),
    [
        ("-3000", "W", "import", -3000),
        ("-3", "kW", "import", -3000),
        ("1.5", "kW", "export", -1500),
        ("1200", None, "import", 1200),  # no unit: W
    ],
)
async def test_grid_units_and_signs(
    hass: HomeAssistant,
    setup_modbus: MockConfigEntry,
    recording: list[RecordingController],
    reading: str,
    unit: str | None,
    sign: str,
    grid_w: float,
) -> None:
    await with_site(hass, setup_modbus, grid_sign=sign)
    await online(hass, setup_modbus)
    hass.states.async_set(GRID, reading, {"unit_of_measurement": unit} if unit else {})
    await select_mode(hass, setup_modbus, "fast")
    site = recording[0].calls[-1][1]
    assert site is not None
    assert site.grid_w == pytest.approx(grid_w)
    assert site.updated_at == hass.states.get(GRID).last_updated


async def test_the_other_meters_are_converted(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, recording: list[RecordingController]
) -> None:
    phases = {"phase_l1": "sensor.l1", "phase_l2": "sensor.l2", "phase_l3": "sensor.l3"}
    await with_site(
        hass,
        setup_modbus,
        pv_power="sensor.pv",
        battery_power="sensor.battery",
        battery_sign="charge",
        battery_soc="sensor.soc",
        battery_priority_soc=40,
        fuse=25,
        **phases,
    )
    await online(hass, setup_modbus)
    hass.states.async_set(GRID, "100", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.pv", "4.2", {"unit_of_measurement": "kW"})
    hass.states.async_set("sensor.battery", "800", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.soc", "55", {"unit_of_measurement": "%"})
    hass.states.async_set("sensor.l1", "10", {"unit_of_measurement": "A"})
    hass.states.async_set("sensor.l2", "11000", {"unit_of_measurement": "mA"})
    hass.states.async_set("sensor.l3", "12", {"unit_of_measurement": "A"})
    await select_mode(hass, setup_modbus, "min_solar")
    controller = recording[0]
    site = controller.calls[-1][1]
    assert site is not None
    assert (site.pv_w, site.battery_w, site.battery_soc) == (4200, -800, 55)
    assert site.phase_currents_a == (10, 11, 12)
    assert (controller.settings.fuse_a, controller.settings.battery_priority_soc) == (25, 40)

    hass.states.async_set("sensor.l2", "unavailable")  # one phase missing: no load management input at all
    hass.states.async_set("sensor.pv", "4", {"unit_of_measurement": "MW"})  # a unit we cannot convert
    async_fire_time_changed(hass, dt_util.utcnow() + CONTROL_INTERVAL)
    await hass.async_block_till_done()
    site = controller.calls[-1][1]
    assert site is not None
    assert site.phase_currents_a is None
    assert site.pv_w is None


@pytest.mark.parametrize(
    "grid",
    [("unavailable", {}), ("unknown", {}), ("abc", {"unit_of_measurement": "W"}), ("5", {"unit_of_measurement": "A"})],
)
async def test_no_usable_grid_reading_is_no_site(
    hass: HomeAssistant,
    setup_modbus: MockConfigEntry,
    recording: list[RecordingController],
    grid: tuple[str, dict[str, str]],
) -> None:
    await with_site(hass, setup_modbus)
    await online(hass, setup_modbus)
    hass.states.async_set(GRID, *grid)
    await select_mode(hass, setup_modbus, "solar")
    assert recording[0].calls[-1][1] is None


async def test_a_stale_meter_keeps_its_time_and_the_clock_still_runs_the_controller(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, recording: list[RecordingController]
) -> None:
    await with_site(hass, setup_modbus)
    await online(hass, setup_modbus)
    hass.states.async_set(GRID, "-2000", {"unit_of_measurement": "W"})
    reported = hass.states.get(GRID).last_updated
    await select_mode(hass, setup_modbus, "solar")
    later = dt_util.utcnow() + 10 * CONTROL_INTERVAL
    async_fire_time_changed(hass, later)
    await hass.async_block_till_done()
    now, site, _ = recording[0].calls[-1]
    assert now > reported
    assert site is not None
    assert site.updated_at == reported  # the controller sees how old the reading is


async def test_a_refused_write_is_logged_once(
    hass: HomeAssistant,
    setup_modbus: MockConfigEntry,
    recording: list[RecordingController],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await with_site(hass, setup_modbus)
    await online(hass, setup_modbus)
    hass.states.async_set(GRID, "-3000", {"unit_of_measurement": "W"})
    charger = setup_modbus.runtime_data.coordinators[f"modbus_{setup_modbus.entry_id}"].charger
    original = charger.async_set_current

    async def refuse(amps: float, phases: int | None = None) -> None:
        raise ChargerRejected("no")

    monkeypatch.setattr(charger, "async_set_current", refuse)
    await select_mode(hass, setup_modbus, "fast")
    control = setup_modbus.runtime_data.controls[f"modbus_{setup_modbus.entry_id}"]
    for _ in range(3):
        await control.async_run()
    assert len(recording[0].calls) == 4
    assert caplog.text.count("did not take the controller's setting") == 1
    monkeypatch.setattr(charger, "async_set_current", original)
    await control.async_run()
    assert "takes the controller's settings again" in caplog.text


@pytest.mark.parametrize("mode", ["solar", "min_solar"])
async def test_surplus_modes_need_a_grid_meter(hass: HomeAssistant, setup_modbus: MockConfigEntry, mode: str) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await select_mode(hass, setup_modbus, mode)
    assert err.value.translation_key == "mode_needs_grid_meter"
    assert state(hass, "select", "charging_mode", setup_modbus) == "manual"


@pytest.mark.parametrize("mode", ["off", "fast", "scheduled"])
async def test_modes_without_surplus_need_no_meter(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, mode: str
) -> None:
    await select_mode(hass, setup_modbus, mode)
    assert state(hass, "select", "charging_mode", setup_modbus) == mode


async def test_an_offline_charger_is_not_controlled(
    hass: HomeAssistant,
    setup_modbus: MockConfigEntry,
    modbus_charger: SimulatedModbusCharger,
    recording: list[RecordingController],
) -> None:
    await with_site(hass, setup_modbus)
    await online(hass, setup_modbus)
    modbus_charger.stop_answering()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "unavailable", within_s=10)
    await select_mode(hass, setup_modbus, "fast")  # settings can change while the charger is away
    assert recording == []
    assert state(hass, "select", "charging_mode", setup_modbus) == "fast"


@pytest.mark.parametrize(("mode", "slots"), [("scheduled", 1), ("solar", 0)])
async def test_only_scheduled_mode_plans_with_the_price_forecast(
    hass: HomeAssistant,
    setup_modbus: MockConfigEntry,
    recording: list[RecordingController],
    mode: str,
    slots: int,
) -> None:
    start = datetime(2026, 6, 1, 1, tzinfo=UTC)
    forecast = {"raw_today": [{"start": start, "end": start + timedelta(hours=1), "value": 0.12}]}
    hass.states.async_set("sensor.price", "0.31", forecast)
    hass.states.async_set(GRID, "0", {"unit_of_measurement": "W"})
    await with_site(hass, setup_modbus, price="sensor.price")
    await online(hass, setup_modbus)
    await select_mode(hass, setup_modbus, mode)
    assert len(recording[-1].settings.prices) == slots

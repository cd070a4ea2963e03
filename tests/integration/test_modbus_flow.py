"""Setting up a Modbus charger through the UI: the connection is tested first, each failure says why."""

from __future__ import annotations

from pathlib import Path
import socket
from typing import Any

from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import CONF_MAX_CURRENT, CONF_POLL_INTERVAL, DOMAIN
from custom_components.chargeshare.modbus.profile_loader import PROFILES_DIR
from sim.modbus import SimulatedModbusCharger
from tests.waiting import until

from .helpers import modbus_entry_for, shipped_profile

pytestmark = pytest.mark.usefixtures("socket_enabled")

SETTINGS = {CONF_MAX_CURRENT: 16, "phases": "3", "connector_type": "type2_socket", CONF_POLL_INTERVAL: 5}


def connection(port: int, **extra: Any) -> dict[str, Any]:
    return {CONF_HOST: " 127.0.0.1 ", CONF_PORT: port, **extra}


async def start_modbus_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "modbus"})
    assert result["type"] == FlowResultType.FORM
    assert result["step_id"] == "modbus"
    return result


async def test_a_charger_of_a_chosen_model(hass: HomeAssistant, modbus_charger: SimulatedModbusCharger) -> None:
    result = await start_modbus_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], connection(modbus_charger.port, profile="alfen_eve")
    )
    assert result["step_id"] == "modbus_charger"
    assert result["description_placeholders"] == {"profile": "Alfen Eve (NG9xx)"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SETTINGS)
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert result["title"] == "Alfen Eve (NG9xx) (127.0.0.1)"
    assert result["data"] == {
        "transport": "modbus",
        CONF_HOST: "127.0.0.1",
        CONF_PORT: modbus_charger.port,
        "unit_id": 1,
        "profile": "alfen_eve",
    }
    assert result["options"] == SETTINGS
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await until(lambda: next(iter(entry.runtime_data.coordinators.values())).data.online)


async def test_a_charger_that_identifies_itself_needs_no_model(
    hass: HomeAssistant, modbus_charger: SimulatedModbusCharger
) -> None:
    result = await start_modbus_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], connection(modbus_charger.port))
    assert result["step_id"] == "modbus_charger"
    assert result["description_placeholders"] == {"profile": "Alfen Eve (NG9xx)"}


async def test_a_closed_port_is_refused_and_nothing_is_saved(hass: HomeAssistant) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
        result = await start_modbus_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], connection(port, profile="keba_p30"))
    assert result["errors"] == {"base": "connection_refused"}
    assert not hass.config_entries.async_entries(DOMAIN)


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"profile": "alfen_eve", "unit_id": 7}, "wrong_unit_id"),
        ({"profile": "keba_p30", "unit_id": 1}, "wrong_profile"),
    ],
)
async def test_what_the_charger_answers_tells_what_is_wrong(
    hass: HomeAssistant, modbus_charger: SimulatedModbusCharger, extra: dict[str, Any], error: str
) -> None:
    result = await start_modbus_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], connection(modbus_charger.port, **extra))
    assert result["errors"] == {"base": error}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], connection(modbus_charger.port, profile="alfen_eve")
    )
    assert result["step_id"] == "modbus_charger"


async def test_a_charger_that_does_not_identify_itself_needs_its_model(hass: HomeAssistant) -> None:
    sim = SimulatedModbusCharger(shipped_profile("webasto_next"))
    await sim.start()
    try:
        result = await start_modbus_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], connection(sim.port))
    finally:
        await sim.stop()
    assert result["errors"] == {"base": "not_detected"}


async def test_the_same_charger_twice_is_refused(
    hass: HomeAssistant, modbus_charger: SimulatedModbusCharger, modbus_entry: MockConfigEntry
) -> None:
    result = await start_modbus_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], connection(modbus_charger.port, profile="alfen_eve")
    )
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_a_broken_profile_file_is_left_out_and_logged(
    hass: HomeAssistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "alfen_eve.yaml").write_text((PROFILES_DIR / "alfen_eve.yaml").read_text())
    (tmp_path / "mine.yaml").write_text("name: Mine\ncurrent: {scale: fast}\n")
    monkeypatch.setattr("custom_components.chargeshare.modbus_flow.PROFILES_DIR", tmp_path)
    result = await start_modbus_flow(hass)
    choices = result["data_schema"].schema["profile"].config["options"]
    assert [choice["value"] for choice in choices] == ["alfen_eve"]
    assert "Modbus charger profile left out: mine.yaml:" in caplog.text


async def test_options_change_the_limits(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(setup_modbus.entry_id)
    assert result["menu_options"] == ["settings", "site"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "settings"})
    assert result["step_id"] == "settings"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {**SETTINGS, CONF_MAX_CURRENT: 20})
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    charger = next(iter(setup_modbus.runtime_data.coordinators.values())).charger
    assert charger.state.max_current_a == 20
    assert charger.settings.poll_interval_s == 5


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "reconfigure", "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "reconfigure_modbus"
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def test_a_charger_that_moved_keeps_its_records(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    coordinator = next(iter(setup_modbus.runtime_data.coordinators.values()))
    modbus_charger.plug_in()
    await until(lambda: coordinator.data.session is not None)
    modbus_charger.advance(600)
    await until(lambda: coordinator.data.session is not None and coordinator.data.session.energy_kwh > 1)
    before = coordinator.data
    moved = SimulatedModbusCharger(shipped_profile("alfen_eve"), energy_start_kwh=modbus_charger.energy_kwh)
    await moved.start()
    try:
        result = await reconfigure(hass, setup_modbus, connection(moved.port, profile="alfen_eve"))
        assert result["reason"] == "reconfigure_successful"
        await hass.async_block_till_done()
        assert setup_modbus.unique_id == f"modbus_127.0.0.1_{moved.port}_1"
        after = next(iter(setup_modbus.runtime_data.coordinators.values()))
        await until(lambda: after.data.online)
        assert after.data.session is not None
        assert before.session is not None
        assert after.data.session.started_at == before.session.started_at
        assert after.data.session.energy_kwh == pytest.approx(before.session.energy_kwh)
        assert after.data.meter.energy_kwh == pytest.approx(before.meter.energy_kwh)
    finally:
        await moved.stop()


async def test_reconfigure_refuses_a_charger_another_entry_controls(
    hass: HomeAssistant, setup_modbus: MockConfigEntry
) -> None:
    other = SimulatedModbusCharger(shipped_profile("alfen_eve"))
    await other.start()
    try:
        modbus_entry_for(other).add_to_hass(hass)
        result = await reconfigure(hass, setup_modbus, connection(other.port, profile="alfen_eve"))
    finally:
        await other.stop()
    assert result["errors"] == {"base": "already_configured"}

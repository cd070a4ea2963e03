"""Setting up a central system and its chargers through the UI, and changing them later."""

from __future__ import annotations

import socket
from typing import Any

from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import DOMAIN
from sim.ocpp_charge_point import connect
from tests.tls import self_signed_certificate

from .helpers import CHARGER, ConnectCharger, free_port, settle

pytestmark = pytest.mark.usefixtures("socket_enabled")


def server_input(port: int, **extra: Any) -> dict[str, Any]:
    return {CONF_HOST: "127.0.0.1", CONF_PORT: port, "allow_unknown_chargers": True, **extra}


def charger_input(charge_point_id: str = "CP9", **extra: Any) -> dict[str, Any]:
    return {"charge_point_id": charge_point_id, **CHARGER, **extra}


async def start_user_flow(hass: HomeAssistant) -> dict[str, Any]:
    """The menu, then the OCPP central system's form."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    assert result["type"] == FlowResultType.MENU
    assert result["menu_options"] == ["ocpp", "modbus", "hub_link"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "ocpp"})
    assert result["type"] == FlowResultType.FORM
    assert result["step_id"] == "ocpp"
    return result


async def test_a_central_system_and_its_first_charger(hass: HomeAssistant) -> None:
    port = free_port()
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], server_input(port))
    assert result["step_id"] == "charger"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], charger_input(" CP9 ", password="pw"))
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert result["title"] == f"OCPP central system (port {port})"
    assert result["data"] == {"transport": "ocpp", **server_input(port)}
    assert result["options"] == {"chargers": {"CP9": {**CHARGER, CONF_PASSWORD: "pw"}}}
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert "CP9" in entry.runtime_data.coordinators


async def test_a_busy_port_is_an_error_until_a_free_one_is_chosen(hass: HomeAssistant) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        result = await start_user_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], server_input(blocker.getsockname()[1])
        )
        assert result["errors"] == {CONF_PORT: "port_in_use"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], server_input(free_port()))
    assert result["step_id"] == "charger"


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ({"ssl_certfile": "/nonexistent/cert.pem"}, "tls_incomplete"),
        ({"ssl_certfile": "/nonexistent/cert.pem", "ssl_keyfile": "/nonexistent/key.pem"}, "tls_invalid"),
    ],
)
async def test_tls_files_are_checked(hass: HomeAssistant, files: dict[str, str], error: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], server_input(free_port(), **files))
    assert result["errors"] == {"base": error}
    certfile, keyfile = self_signed_certificate(tmp_path)
    tls = {"ssl_certfile": certfile, "ssl_keyfile": keyfile}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], server_input(free_port(), **tls))
    assert result["step_id"] == "charger"


async def test_a_port_of_another_central_system_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], server_input(setup_integration.data[CONF_PORT])
    )
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("charge_point_id", "error"),
    [
        ("a b", "invalid_charge_point_id"),
        ("ocpp/CP1", "invalid_charge_point_id"),
        ("X" * 49, "invalid_charge_point_id"),
        ("CP1", "charge_point_id_taken"),
    ],
)
async def test_charge_point_ids_are_checked(
    hass: HomeAssistant, setup_integration: MockConfigEntry, charge_point_id: str, error: str
) -> None:
    result = await start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], server_input(free_port()))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], charger_input(charge_point_id))
    assert result["errors"] == {"charge_point_id": error}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], charger_input("CP2"))
    assert result["type"] == FlowResultType.CREATE_ENTRY


@pytest.fixture
def allow_unknown(config_entry: MockConfigEntry, hass: HomeAssistant) -> None:
    hass.config_entries.async_update_entry(config_entry, data={**config_entry.data, "allow_unknown_chargers": True})


@pytest.mark.usefixtures("allow_unknown")
async def test_an_unknown_charger_is_offered_and_added(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    connect_charger: ConnectCharger,
    http,
    ocpp_port: int,  # type: ignore[no-untyped-def]
) -> None:
    stranger = await connect(http, f"ws://127.0.0.1:{ocpp_port}", "NEW1")
    assert (await stranger.boot()).status == "Pending"
    await stranger.boot()  # it retries: still one offer
    await settle(hass)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    flow = flows[0]
    assert flow["context"]["title_placeholders"] == {"charge_point_id": "NEW1"}
    assert flow["step_id"] == "discovery_confirm"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {**CHARGER, "password": "pw"})
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "charger_added"
    await settle(hass)
    assert setup_integration.options["chargers"]["NEW1"][CONF_PASSWORD] == "pw"
    assert stranger.websocket.closed  # asked to redial
    welcome = await connect_charger("NEW1", password="pw")
    assert welcome.websocket.protocol == "ocpp1.6"
    assert setup_integration.runtime_data.coordinators["NEW1"].data.online
    await stranger.close()


async def test_a_discovered_charger_that_is_already_set_up_is_not_offered(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": config_entries.SOURCE_INTEGRATION_DISCOVERY},
        data={"entry_id": setup_integration.entry_id, "charge_point_id": "CP1", "vendor": "V", "model": "M"},
    )
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_a_discovery_whose_server_is_gone_is_dropped(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": config_entries.SOURCE_INTEGRATION_DISCOVERY},
        data={"entry_id": "gone", "charge_point_id": "NEW2", "vendor": "V", "model": "M"},
    )
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "server_removed"


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry, user_input: dict[str, Any]) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "reconfigure", "entry_id": entry.entry_id}
    )
    assert result["step_id"] == "reconfigure_ocpp"
    return await hass.config_entries.flow.async_configure(result["flow_id"], user_input)


async def test_reconfigure_moves_the_server_to_another_port(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    port = free_port()
    result = await reconfigure(hass, setup_integration, server_input(port))
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await settle(hass)
    assert setup_integration.data[CONF_PORT] == port
    assert setup_integration.title == f"OCPP central system (port {port})"
    assert setup_integration.runtime_data.server.port == port


async def test_reconfigure_refuses_a_port_in_use(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    other = MockConfigEntry(domain=DOMAIN, data=server_input(12345))
    other.add_to_hass(hass)
    result = await reconfigure(hass, setup_integration, server_input(12345))
    assert result["errors"] == {CONF_PORT: "port_taken"}
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        result = await reconfigure(hass, setup_integration, server_input(blocker.getsockname()[1]))
    assert result["errors"] == {CONF_PORT: "port_in_use"}


async def test_reconfigure_keeps_the_port_it_already_listens_on(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await reconfigure(hass, setup_integration, server_input(setup_integration.data[CONF_PORT]))
    assert result["reason"] == "reconfigure_successful"
    await settle(hass)
    assert setup_integration.data["allow_unknown_chargers"] is True


async def options(hass: HomeAssistant, entry: MockConfigEntry, choice: str | None = None) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] == FlowResultType.MENU
    if choice is None:
        return result
    assert choice in result["menu_options"]
    return await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": choice})


async def test_the_options_menu_offers_what_applies(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    result = await options(hass, setup_integration)
    assert result["menu_options"] == ["add_charger", "pick_charger", "remove_charger", "add_id_tag", "site"]
    hass.config_entries.async_update_entry(setup_integration, options={"chargers": {}, "id_tags": {"A": "Anna"}})
    await settle(hass)
    result = await options(hass, setup_integration)
    assert result["menu_options"] == ["add_charger", "add_id_tag", "remove_id_tags", "site"]


async def test_options_add_a_charger(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    result = await options(hass, setup_integration, "add_charger")
    result = await hass.config_entries.options.async_configure(result["flow_id"], charger_input("CP1"))
    assert result["errors"] == {"charge_point_id": "charge_point_id_taken"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], charger_input("CP2"))
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await settle(hass)
    assert set(setup_integration.options["chargers"]) == {"CP1", "CP2"}
    assert "CP2" in setup_integration.runtime_data.coordinators


async def test_options_edit_a_charger(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    result = await options(hass, setup_integration, "pick_charger")
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"charge_point_id": "CP1"})
    assert result["step_id"] == "edit_charger"
    assert result["description_placeholders"] == {"charge_point_id": "CP1"}
    changed = {**CHARGER, "max_current": 32, CONF_PASSWORD: "pw", "skip_schema_validation": True}
    result = await hass.config_entries.options.async_configure(result["flow_id"], changed)
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await settle(hass)
    settings = setup_integration.runtime_data.coordinators["CP1"].charger.settings
    assert (settings.max_current_a, settings.password, settings.validate_messages) == (32, "pw", False)


async def test_options_remove_a_charger(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    result = await options(hass, setup_integration, "remove_charger")
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"charge_point_id": "CP1"})
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await settle(hass)
    assert setup_integration.options["chargers"] == {}
    assert setup_integration.runtime_data.coordinators == {}


async def test_options_manage_the_id_tags(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    result = await options(hass, setup_integration, "add_id_tag")
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"id_tag": "X" * 21})
    assert result["errors"] == {"id_tag": "invalid_id_tag"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"id_tag": " 04A1 ", "name": "Anna"})
    assert result["type"] == FlowResultType.CREATE_ENTRY
    result = await options(hass, setup_integration, "add_id_tag")
    await hass.config_entries.options.async_configure(result["flow_id"], {"id_tag": "99FF"})
    assert setup_integration.options["id_tags"] == {"04A1": "Anna", "99FF": ""}
    result = await options(hass, setup_integration, "remove_id_tags")
    labels = result["data_schema"].schema["id_tags"].config["options"]
    assert labels == [{"value": "04A1", "label": "Anna (04A1)"}, {"value": "99FF", "label": "99FF"}]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"id_tags": ["04A1"]})
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert setup_integration.options["id_tags"] == {"99FF": ""}

"""Linking a hub from the config flow; pairing again when the hub refuses the token; moving to another address."""

from __future__ import annotations

from typing import Any

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.hub_link.outbox import outbox_key
from custom_components.chargeshare.hub_link.state import state_key
from tests.integration.helpers import free_port
from tests.waiting import until

from .conftest import link_of
from .fake_hub import FakeHub

CODE = "ABCD-2345"


async def start_link_flow(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    assert result["type"] == FlowResultType.MENU
    assert "hub_link" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "hub_link"})
    assert result["type"] == FlowResultType.FORM
    assert result["step_id"] == "hub_link"
    return result


async def test_linking_trades_the_pairing_code_for_a_token_and_connects(hub: FakeHub, hass: HomeAssistant) -> None:
    result = await start_link_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"hub_url": f" {hub.url}/ ", "code": CODE}
    )
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert result["title"] == "ChargeShare hub (127.0.0.1)"
    assert result["data"] == {"transport": "hub_link", "hub_url": hub.url, "token": "csh_new_token", "token_id": 17}
    entry = result["result"]
    assert entry.unique_id == f"127.0.0.1:{hub.port}"
    await until(lambda: link_of(entry).connected)
    assert "password" not in entry.data


@pytest.mark.parametrize(
    ("change", "user_input", "errors"),
    [
        ("nothing", {"hub_url": "ftp://hub.example", "code": CODE}, {"hub_url": "invalid_url"}),
        ("nothing", {"hub_url": "hub.example", "code": CODE}, {"hub_url": "invalid_url"}),
        ("nothing", {"hub_url": "HUB/?x=1", "code": CODE}, {"hub_url": "invalid_url"}),
        ("closed port", {"code": CODE}, {"base": "hub_unreachable"}),
        ("path", {"code": CODE}, {"base": "not_a_hub"}),
        ("nothing", {"code": "WXYZ-9999"}, {"code": "invalid_code"}),
        ("nothing", {"code": "x" * 21}, {"code": "invalid_code"}),
        ("rate limit", {"code": CODE}, {"base": "too_many_attempts"}),
        ("server error", {"code": CODE}, {"base": "hub_unreachable"}),
        ("nothing", {}, {"base": "code_or_sign_in"}),
        ("nothing", {"code": "  ", "email": "host@example.org"}, {"base": "code_or_sign_in"}),
        ("nothing", {"email": "host@example.org", "password": "wrong"}, {"password": "invalid_auth"}),
        ("nothing", {"email": "nobody@example.org", "password": "correct horse"}, {"password": "invalid_auth"}),
    ],
)
async def test_every_error_can_be_corrected(
    hub: FakeHub, hass: HomeAssistant, change: str, user_input: dict[str, str], errors: dict[str, str]
) -> None:
    url = {"closed port": f"http://127.0.0.1:{free_port()}", "path": f"{hub.url}/not-here"}.get(change, hub.url)
    hub.pair_status = {"rate limit": 429, "server error": 502}.get(change)
    result = await start_link_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"hub_url": url, **user_input})
    assert result["type"] == FlowResultType.FORM
    assert result["errors"] == errors
    hub.pair_status = None
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"hub_url": hub.url, "code": CODE})
    assert result["type"] == FlowResultType.CREATE_ENTRY


async def test_signing_in_gets_a_pairing_code_and_keeps_no_password(hub: FakeHub, hass: HomeAssistant) -> None:
    result = await start_link_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"hub_url": hub.url, "email": "host@example.org", "password": "correct horse"}
    )
    assert result["type"] == FlowResultType.CREATE_ENTRY
    entry = result["result"]
    assert entry.data == {"transport": "hub_link", "hub_url": hub.url, "token": "csh_signed_in_token", "token_id": 17}
    assert hub.sessions == set()  # signed out again at once
    assert not [code for code in hub.codes if code.startswith("SIGN-")]  # the code it got was spent
    await until(lambda: link_of(entry).connected)


async def test_a_pairing_code_wins_over_a_sign_in(hub: FakeHub, hass: HomeAssistant) -> None:
    result = await start_link_flow(hass)
    user_input = {"hub_url": hub.url, "code": CODE, "email": "host@example.org", "password": "wrong"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert result["data"]["token"] == "csh_new_token"


async def test_one_link_per_home_assistant(hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": "hub_link"})
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "already_linked"
    assert CODE in hub.codes  # the code was not spent


async def test_reauthentication_pairs_again_and_the_link_comes_back(
    hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry
) -> None:
    hub.tokens.clear()  # the host revoked the token on the hub
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(hass.config_entries.flow.async_progress()) == 1)
    flow = hass.config_entries.flow.async_progress()[0]
    assert flow["context"]["source"] == config_entries.SOURCE_REAUTH
    result = await hass.config_entries.flow.async_configure(flow["flow_id"])
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"url": hub.url}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"code": "WRONG-123"})
    assert result["errors"] == {"code": "invalid_code"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"code": CODE})
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert link_entry.data["token"] == "csh_new_token"
    await hass.async_block_till_done()
    await until(lambda: link_of(link_entry).connected)


async def test_reauthentication_by_signing_in(hub: FakeHub, hass: HomeAssistant, link_entry: MockConfigEntry) -> None:
    hub.tokens.clear()
    assert await hass.config_entries.async_setup(link_entry.entry_id)
    await until(lambda: len(hass.config_entries.flow.async_progress()) == 1)
    flow = hass.config_entries.flow.async_progress()[0]
    await hass.config_entries.flow.async_configure(flow["flow_id"])
    sign_in = {"email": "host@example.org", "password": "correct horse"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], sign_in)
    assert result["reason"] == "reauth_successful"
    assert link_entry.data["token"] == "csh_signed_in_token"
    await hass.async_block_till_done()
    await until(lambda: link_of(link_entry).connected)


async def test_reconfigure_moves_the_link_to_another_address_of_the_hub(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "reconfigure", "entry_id": linked.entry_id}
    )
    assert result["step_id"] == "reconfigure_hub_link"
    moved = hub.url.replace("127.0.0.1", "localhost")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"hub_url": moved, "code": "nope"})
    assert result["errors"] == {"code": "invalid_code"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"hub_url": moved, "code": CODE})
    assert result["type"] == FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert linked.data["hub_url"] == moved
    assert linked.unique_id == f"localhost:{hub.port}"
    await hass.async_block_till_done()
    await until(lambda: link_of(linked).connected and hub.connections == 2)


async def test_removing_the_link_forgets_its_outbox_and_state(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    hub.auto_ack = False
    await link_of(linked).send("fault", {"location_id": "L", "evse_uid": "CP1", "error_code": "x", "info": "y"})
    assert outbox_key(linked.entry_id) in hass_storage
    assert await hass.config_entries.async_remove(linked.entry_id)
    await hass.async_block_till_done()
    assert outbox_key(linked.entry_id) not in hass_storage
    assert state_key(linked.entry_id) not in hass_storage

"""The diagnostics download has what support needs and no secrets."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import JSONEncoder
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.diagnostics import async_get_config_entry_diagnostics

from .helpers import CHARGER, ConnectCharger


@pytest.fixture
def chargers() -> dict:
    return {"CP1": {**CHARGER, "password": "s3cret"}}


async def test_diagnostics_redact_passwords_and_cards(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    hass.config_entries.async_update_entry(
        setup_integration, options={**setup_integration.options, "id_tags": {"04A1B2": "Anna"}}
    )
    charge_point = await connect_charger(password="s3cret")
    await charge_point.plug_in()
    await charge_point.start_transaction("04A1B2")
    await charge_point.charge(600)
    diagnostics = await async_get_config_entry_diagnostics(hass, setup_integration)
    text = json.dumps(diagnostics, cls=JSONEncoder)
    assert "s3cret" not in text
    assert "04A1B2" not in text
    assert "Anna" not in text
    charger = diagnostics["chargers"]["CP1"]
    assert charger["state"]["online"] is True
    assert charger["state"]["status"] == "charging"
    assert charger["state"]["session"]["id_tag"] == "**REDACTED**"
    assert charger["stored"]["book"]["session"]["id_tag"] == "**REDACTED**"
    assert "SMART_CHARGING" in charger["state"]["capabilities"]
    assert diagnostics["listening_port"] == setup_integration.data["port"]

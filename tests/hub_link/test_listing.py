"""The listing the host publishes from the hub link's options, and the id the hub gives it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.const import SIGNAL_CHARGERS_CHANGED
from custom_components.chargeshare.hub_link.listing import SETTLE_S, tariff_id
from tests.integration.helpers import ConnectCharger
from tests.waiting import until

from .conftest import link_of
from .fake_hub import FakeHub

LISTING = {
    "name": "Driveway on Elm Street",
    "address": "Elm Street 5",
    "city": "Utrecht",
    "postal_code": "3511 AB",
    "country": "nld",
    "latitude": 52.0907,
    "longitude": 5.1214,
    "price_per_kwh": 0.35,
    "session_fee": 1.0,
    "currency": "eur",
    "publish": True,
}


async def open_listing_options(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] == FlowResultType.FORM
    assert result["step_id"] == "listing"
    return result


def default_of(result: dict[str, Any], key: str) -> Any:
    marker = next(marker for marker in result["data_schema"].schema if marker == key)
    return marker.default()


async def test_the_listing_starts_at_the_home_zone_and_is_published_when_saved(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    await connect_charger()
    result = await open_listing_options(hass, linked)
    assert default_of(result, "latitude") == hass.config.latitude
    assert default_of(result, "longitude") == hass.config.longitude
    assert default_of(result, "name") == hass.config.location_name
    result = await hass.config_entries.options.async_configure(result["flow_id"], LISTING)
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert linked.options["country"] == "NLD"
    await until(lambda: len(hub.payloads("listing")) == 1)
    listing = hub.payloads("listing")[0]
    tariff = tariff_id(linked.entry_id)
    assert "id" not in listing  # the first publication: the hub gives the id
    assert listing["name"] == "Driveway on Elm Street"
    assert listing["address"] == "Elm Street 5"
    assert listing["country"] == "NLD"
    assert listing["coordinates"] == {"latitude": "52.090700", "longitude": "5.121400"}
    assert listing["time_zone"] == hass.config.time_zone
    assert listing["publish"] is True
    assert listing["evses"] == [
        {
            "uid": "CP1",
            "status": "AVAILABLE",
            "capabilities": ["RFID_READER", "REMOTE_START_STOP_CAPABLE"],
            "connectors": [
                {
                    "id": "1",
                    "standard": "IEC_62196_T2",
                    "format": "SOCKET",
                    "power_type": "AC_3_PHASE",
                    "max_voltage": 230,
                    "max_amperage": 16,
                    "max_electric_power": 11040,
                    "tariff_ids": [tariff],
                }
            ],
        }
    ]
    assert listing["tariffs"] == [
        {
            "id": tariff,
            "currency": "EUR",
            "elements": [
                {
                    "price_components": [
                        {"type": "ENERGY", "price": 0.35, "step_size": 1},
                        {"type": "FLAT", "price": 1.0, "step_size": 1},
                    ]
                }
            ],
        }
    ]


async def test_the_hubs_listing_id_names_the_listing_from_then_on(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    await connect_charger()
    frame_id = await hub.send("listing.saved", {"location_id": "LOC1", "listing_url": "https://hub.example/l/LOC1"})
    await until(lambda: any(frame["payload"].get("id") == frame_id for frame in hub.answers()))
    assert linked.runtime_data.state.location_id == "LOC1"
    result = await open_listing_options(hass, linked)
    await hass.config_entries.options.async_configure(result["flow_id"], {**LISTING, "session_fee": 0})
    await until(lambda: len(hub.payloads("listing")) == 1)
    listing = hub.payloads("listing")[0]
    assert listing["id"] == "LOC1"
    assert listing["tariffs"][0]["elements"][0]["price_components"] == [
        {"type": "ENERGY", "price": 0.35, "step_size": 1}
    ]


async def test_a_listing_saved_without_a_usable_id_is_refused(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    frame_id = await hub.send("listing.saved", {"location_id": ""})
    await until(lambda: any(frame["payload"].get("id") == frame_id for frame in hub.answers()))
    answer = next(frame for frame in hub.answers() if frame["payload"].get("id") == frame_id)
    assert answer["type"] == "nack"
    assert answer["payload"]["field"] == "location_id"
    assert linked.runtime_data.state.location_id is None


async def test_what_the_hub_would_refuse_is_refused_in_the_form_and_can_be_corrected(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    result = await open_listing_options(hass, linked)
    wrong = {**LISTING, "country": "NL", "currency": "euro", "address": " ", "city": "x" * 46}
    result = await hass.config_entries.options.async_configure(result["flow_id"], wrong)
    assert result["type"] == FlowResultType.FORM
    assert result["errors"] == {
        "country": "invalid_country",
        "currency": "invalid_currency",
        "address": "required",
        "city": "too_long",
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], LISTING)
    assert result["type"] == FlowResultType.CREATE_ENTRY


async def test_without_a_loaded_charger_nothing_is_published(
    hub: FakeHub, hass: HomeAssistant, linked: MockConfigEntry
) -> None:
    result = await open_listing_options(hass, linked)
    await hass.config_entries.options.async_configure(result["flow_id"], LISTING)
    await hass.async_block_till_done()
    assert link_of(linked).pending == 0
    assert hub.payloads("listing") == []


async def test_the_listing_follows_the_chargers_once_they_have_settled(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    await connect_charger()
    result = await open_listing_options(hass, linked)
    await hass.config_entries.options.async_configure(result["flow_id"], LISTING)
    await until(lambda: len(hub.payloads("listing")) == 1)

    async_dispatcher_send(hass, SIGNAL_CHARGERS_CHANGED)  # an entry announced itself, nothing listed changed
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SETTLE_S + 1))
    await hass.async_block_till_done()
    assert len(hub.payloads("listing")) == 1

    chargers = setup_integration.options["chargers"]
    cable = {**chargers, "CP1": {**chargers["CP1"], "connector_type": "type2_cable"}}
    hass.config_entries.async_update_entry(setup_integration, options={**setup_integration.options, "chargers": cable})
    await hass.async_block_till_done()
    assert len(hub.payloads("listing")) == 1  # not before the chargers have settled
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SETTLE_S + 1))
    await until(lambda: len(hub.payloads("listing")) == 2)
    assert hub.payloads("listing")[1]["evses"][0]["connectors"][0]["format"] == "CABLE"

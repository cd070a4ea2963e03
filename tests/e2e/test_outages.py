"""Outages in the middle of a guest's session: the hub killed and started again, Home Assistant restarted while
the hub was away. The session reaches the hub as exactly one CDR at the tariff's price, and nothing Home
Assistant learned meanwhile is lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.chargeshare.hub_link.outbox import outbox_key
from tests.integration.helpers import ConnectCharger
from tests.waiting import until

from .conftest import Home, next_slot
from .home import PRICE_PER_KWH, SESSION_FEE, WAIT_S, arrived, charge_wh, earnings, link_of, redial, state_of

EVSE = "CP1"
COST = {"excl_vat": round(5 * PRICE_PER_KWH + SESSION_FEE, 2)}  # 5 kWh and the session fee, by hand


async def start_guest_session(hass: HomeAssistant, home: Home) -> str:
    """The driver books the next slot and starts charging with the booking's id tag; returns once the hub has
    the session's start (stored and acknowledged). Returns the booking's id."""
    start, end = next_slot()
    booking = await home.api.book(home.driver, home.location_id, start, end)
    await until(lambda: arrived(hass, booking["id"]), WAIT_S)
    await home.charge_point.plug_in()
    assert await home.charge_point.start_transaction(booking["id_tag"]) == "Accepted"
    link, state = link_of(home.link_entry), state_of(home.link_entry)
    await until(lambda: state.open_session(EVSE) is not None and link.pending == 0, WAIT_S)
    booking_id: str = booking["id"]
    return booking_id


async def exactly_one_cdr(hass: HomeAssistant, home: Home, since: datetime) -> None:
    """Once the CDR came down and nothing waits to go up: one session, one CDR at the hub, counted once at home."""
    link = link_of(home.link_entry)
    await until(lambda: earnings(hass, since) != {} and link.pending == 0, WAIT_S)
    [session] = await home.api.sessions(home.host)
    assert session["status"] == "COMPLETED"
    [cdr] = await home.api.cdrs(home.driver)
    assert (cdr["session_id"], cdr["total_energy"], cdr["total_cost"]) == (session["id"], 5, COST)
    assert earnings(hass, since) == {"EUR": COST["excl_vat"]}


async def test_a_hub_killed_mid_session_and_started_again_issues_the_cdr_exactly_once(
    hass: HomeAssistant, home: Home
) -> None:
    since = dt_util.utcnow()
    await start_guest_session(hass, home)
    link, state = link_of(home.link_entry), state_of(home.link_entry)
    await charge_wh(home.charge_point, 2_500)

    await home.hub.kill()
    await until(lambda: not link.connected, WAIT_S)
    await charge_wh(home.charge_point, 2_500)
    await home.charge_point.stop_transaction()
    await until(lambda: state.open_session(EVSE) is None, WAIT_S)  # the end is in the outbox
    assert link.pending > 0

    await home.hub.start()  # the same database, the same port
    await exactly_one_cdr(hass, home, since)


async def restart_home_assistant(hass: HomeAssistant, home: Home, between: Callable[[], None] = lambda: None) -> None:
    """Every ChargeShare entry unloaded (Home Assistant stopping), then set up again; `between` looks at what was
    stored meanwhile. The charger loses its connection to the central system."""
    for entry in (home.link_entry, home.ocpp_entry):
        assert await hass.config_entries.async_unload(entry.entry_id)
    between()
    for entry in (home.ocpp_entry, home.link_entry):
        assert await hass.config_entries.async_setup(entry.entry_id)


async def test_a_car_charging_through_a_restart_of_home_assistant_is_billed_once_for_the_whole_session(
    hass: HomeAssistant, home: Home, connect_charger: ConnectCharger
) -> None:
    since = dt_util.utcnow()
    booking_id = await start_guest_session(hass, home)
    await charge_wh(home.charge_point, 2_500)

    await restart_home_assistant(hass, home)
    charge_point = await redial(connect_charger, home.charge_point)
    await until(lambda: link_of(home.link_entry).connected, WAIT_S)
    await charge_wh(charge_point, 2_500)
    await charge_point.stop_transaction()

    await exactly_one_cdr(hass, home, since)
    assert (await home.api.booking(home.driver, booking_id))["reservation_status"] == "FULFILLED"


async def test_home_assistant_restarted_mid_session_keeps_what_it_had_not_sent(
    hass: HomeAssistant, hass_storage: dict[str, Any], home: Home
) -> None:
    since = dt_util.utcnow()
    booking_id = await start_guest_session(hass, home)
    await charge_wh(home.charge_point, 2_500)
    # The hub goes away for maintenance while the car charges on: what Home Assistant learns meanwhile waits.
    await home.hub.stop()
    await until(lambda: not link_of(home.link_entry).connected, WAIT_S)
    await charge_wh(home.charge_point, 2_500)
    await home.charge_point.stop_transaction()
    await until(lambda: state_of(home.link_entry).open_session(EVSE) is None, WAIT_S)  # the end is in the outbox

    stored: list[dict[str, Any]] = []
    await restart_home_assistant(
        hass, home, lambda: stored.extend(hass_storage[outbox_key(home.link_entry.entry_id)]["data"]["pending"])
    )
    assert "session.end" in [frame["type"] for frame in stored]
    assert link_of(home.link_entry).pending >= len(stored)

    await home.hub.start()
    await exactly_one_cdr(hass, home, since)
    assert (await home.api.booking(home.driver, booking_id))["reservation_status"] == "FULFILLED"

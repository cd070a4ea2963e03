"""A driver books on the hub, the booking shows in the host's calendar, the driver's car charges with the
booking's id tag inside its window, and the hub bills the session by the tariff Home Assistant published.
Outside its window the same id tag opens nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from tests.waiting import until

from .conftest import Home, next_slot
from .home import PRICE_PER_KWH, SESSION_FEE, WAIT_S, arrived, calendar_events, charge_wh, earnings, link_of
from .hub_api import until_hub


async def test_a_booking_made_on_the_hub_charges_at_home_and_comes_back_as_a_cdr_at_the_tariff(
    hass: HomeAssistant, home: Home
) -> None:
    since = dt_util.utcnow()
    start, end = next_slot()
    booking = await home.api.book(home.driver, home.location_id, start, end)
    assert booking["reservation_status"] == "RESERVED"

    await until(lambda: arrived(hass, booking["id"]), WAIT_S)
    events = await calendar_events(hass, start - timedelta(hours=1), end + timedelta(hours=1))
    assert [(e["summary"], datetime.fromisoformat(e["start"]), datetime.fromisoformat(e["end"])) for e in events] == [
        ("Booked by Dev", start, end)
    ]
    assert booking["id_tag"] in events[0]["description"]

    charge_point = home.charge_point
    await charge_point.plug_in()
    assert await charge_point.authorize(booking["id_tag"]) == "Accepted"
    assert await charge_point.start_transaction(booking["id_tag"]) == "Accepted"
    await charge_wh(charge_point, 2_500)
    await charge_wh(charge_point, 2_500)
    await charge_point.stop_transaction()
    await until(lambda: earnings(hass, since) != {}, WAIT_S)  # cdr.issued came down: the hub has the CDR

    [cdr] = await home.api.cdrs(home.driver)
    # Priced by hand from the listing's tariff: 5 kWh at 0.35 EUR, and the session fee; no VAT was given.
    energy_cost, total = round(5 * PRICE_PER_KWH, 2), round(5 * PRICE_PER_KWH + SESSION_FEE, 2)
    assert cdr["total_energy"] == 5
    assert cdr["total_energy_cost"] == {"excl_vat": energy_cost}
    assert cdr["total_fixed_cost"] == {"excl_vat": SESSION_FEE}
    assert cdr["total_cost"] == {"excl_vat": total}
    assert cdr["cdr_token"]["uid"] == booking["id_tag"]
    assert [cdr["id"]] == [row["id"] for row in await home.api.cdrs(home.host)]
    assert (await home.api.booking(home.driver, booking["id"]))["reservation_status"] == "FULFILLED"
    assert earnings(hass, since) == {"EUR": total}  # today's earnings at home: the same CDR, once
    assert link_of(home.link_entry).pending == 0


async def test_the_booked_id_tag_is_refused_outside_its_window(hass: HomeAssistant, home: Home) -> None:
    start, end = next_slot(later=timedelta(days=1))  # tomorrow: long before the early start
    booking = await home.api.book(home.driver, home.location_id, start, end)
    await until(lambda: arrived(hass, booking["id"]), WAIT_S)

    charge_point = home.charge_point
    await charge_point.plug_in()
    await until_hub(lambda: shown_as(home, "CHARGING"), WAIT_S)  # OCPI: a car plugged in uses the EVSE
    assert await charge_point.authorize(booking["id_tag"]) == "Invalid"
    assert await charge_point.start_transaction(booking["id_tag"]) == "Invalid"
    assert charge_point.transaction_id is None
    await charge_point.unplug()

    # Home Assistant tells the hub in order: once the unplugged charger shows, no refused session is on its way.
    await until_hub(lambda: shown_as(home, "CHARGING", negate=True), WAIT_S)
    assert await home.api.sessions(home.host) == []
    assert (await home.api.booking(home.driver, booking["id"]))["reservation_status"] == "RESERVED"


async def shown_as(home: Home, status: str, *, negate: bool = False) -> bool:
    return (await home.api.evse_status(home.location_id, "CP1") == status) != negate

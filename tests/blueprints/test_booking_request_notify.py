"""booking_request_notify: a booking request reaches the phone with Approve and Decline; the answer, or the
timeout, comes back as chargeshare_booking_answered."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from homeassistant.core import Event, HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.chargeshare.const import DOMAIN
from tests.waiting import until

from .helpers import stop_automations, use_blueprint

REQUEST = {
    "booking_id": "bk-7f3a",
    "driver": "Alex",
    "start": "2026-06-03T16:00:00+00:00",
    "end": "2026-06-03T18:30:00+00:00",
}


@pytest.fixture
async def phone(hass: HomeAssistant, blueprints: Path) -> list[ServiceCall]:
    """The Companion app's notify service, mocked, and the blueprint set up to use it within 30 minutes."""
    hass.config.set_time_zone("UTC")
    calls = async_mock_service(hass, "notify", "mobile_app_pixel")
    await use_blueprint(hass, "booking_request_notify", notify_service="notify.mobile_app_pixel", timeout_minutes=30)
    return calls


def charger_device(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"modbus_{entry.entry_id}")})
    assert device is not None
    return device.id


async def request(hass: HomeAssistant, phone: list[ServiceCall], device_id: str) -> list[Event]:
    """Fire a booking request; returns the answers as they come. The automation waits for one meanwhile,
    so nothing here may wait for Home Assistant to be idle (async_block_till_done)."""
    answered = async_capture_events(hass, "chargeshare_booking_answered")
    hass.bus.async_fire("chargeshare_booking_requested", {**REQUEST, "device_id": device_id})
    await until(lambda: len(phone) == 1)
    return answered


async def a_moment() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


@pytest.mark.parametrize(("button", "approved"), [("APPROVE", True), ("DECLINE", False)])
async def test_the_hosts_answer_goes_back_to_the_link(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, phone: list[ServiceCall], button: str, approved: bool
) -> None:
    answered = await request(hass, phone, charger_device(hass, setup_modbus))
    assert len(phone) == 1
    notification = phone[0].data
    assert notification["title"] == "Booking request"
    assert notification["message"] == (f"Alex would like to charge at {setup_modbus.title}, Wed 03 Jun 16:00 to 18:30.")
    assert notification["data"]["tag"] == "chargeshare_booking_bk-7f3a"
    assert notification["data"]["actions"] == [
        {"action": "CHARGESHARE_APPROVE_bk-7f3a", "title": "Approve"},
        {"action": "CHARGESHARE_DECLINE_bk-7f3a", "title": "Decline"},
    ]
    assert answered == []

    # Another booking's answer is not this one's.
    hass.bus.async_fire("mobile_app_notification_action", {"action": f"CHARGESHARE_{button}_other"})
    await a_moment()
    assert answered == []

    hass.bus.async_fire("mobile_app_notification_action", {"action": f"CHARGESHARE_{button}_bk-7f3a"})
    await until(lambda: len(answered) == 1)
    assert [event.data for event in answered] == [{"booking_id": "bk-7f3a", "approved": approved, "timed_out": False}]
    assert len(phone) == 1  # an answered notification is gone from the phone already
    await stop_automations(hass)


async def test_no_answer_in_time_declines_and_clears_the_notification(
    hass: HomeAssistant, phone: list[ServiceCall]
) -> None:
    answered = await request(hass, phone, "not-a-device")
    assert "at your charger," in phone[0].data["message"]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=30, seconds=1))
    await until(lambda: len(answered) == 1)
    assert [event.data for event in answered] == [{"booking_id": "bk-7f3a", "approved": False, "timed_out": True}]
    assert phone[1].data == {"message": "clear_notification", "data": {"tag": "chargeshare_booking_bk-7f3a"}}
    await stop_automations(hass)

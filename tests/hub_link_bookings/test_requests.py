"""A booking request asks the host (event chargeshare_booking_requested); the host answers with the services or
the notification blueprint, and the answer goes up the link as booking.answer, once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events, async_mock_service

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.hub_link.link import LinkRefusal
from tests.blueprints.helpers import stop_automations, use_blueprint
from tests.waiting import until

from .conftest import LinkDouble, book_of, booking, ocpi_time

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "chargeshare"


def request(**changes: Any) -> dict[str, Any]:
    asked = {"respond_by": ocpi_time(dt_util.utcnow() + timedelta(hours=1)), "driver_name": "Alex", **changes}
    return booking(dt_util.utcnow() + timedelta(days=1), status="PENDING", id_tag=None, **asked)


async def answer(hass: HomeAssistant, service: str, booking_id: str = "bk-7f3a") -> None:
    await hass.services.async_call(DOMAIN, service, {"booking_id": booking_id}, blocking=True)


async def test_a_request_raises_the_event_for_the_chargers_device(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble
) -> None:
    events = async_capture_events(hass, "chargeshare_booking_requested")
    payload = request()
    await link.deliver("booking.requested", payload)
    await hass.async_block_till_done()

    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "ocpp_CP1")})
    assert device is not None
    assert [event.data for event in events] == [
        {
            "booking_id": "bk-7f3a",
            "device_id": device.id,
            "charger": "CP1",
            "evse_uid": "CP1",
            "driver": "Alex",
            "start": payload["period"]["start_from"].replace("Z", "+00:00"),
            "end": payload["period"]["end_before"].replace("Z", "+00:00"),
            "respond_by": payload["respond_by"].replace("Z", "+00:00"),
            "change": False,
        }
    ]


async def test_a_change_request_asks_for_the_new_period_and_the_booking_keeps_charging_meanwhile(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble
) -> None:
    now = dt_util.utcnow()
    await link.deliver("booking.reserved", booking(now))
    events = async_capture_events(hass, "chargeshare_booking_requested")
    later = {
        "start_from": ocpi_time(now + timedelta(days=1)),
        "end_before": ocpi_time(now + timedelta(days=1, hours=1)),
    }
    asked = {
        "request_status": "PENDING",
        "booking_request": {"period": later},
        "respond_by": ocpi_time(now + timedelta(hours=1)),
    }
    await link.deliver("booking.requested", booking(now, booking_requests=[asked]))
    await hass.async_block_till_done()
    assert (events[0].data["start"], events[0].data["change"]) == ((now + timedelta(days=1)).isoformat(), True)
    assert book_of(hass).next_booking("CP1", now) is not None  # still reserved where it was

    await answer(hass, "decline_booking")
    assert link.sent == [("booking.answer", {"booking_id": "bk-7f3a", "accept": False})]
    await link.deliver("booking.changed", booking(now))  # the hub: declined, the booking stays as it was
    with pytest.raises(ServiceValidationError):
        await answer(hass, "approve_booking")


async def test_a_request_for_a_charger_not_set_up_is_kept_and_still_asked(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble
) -> None:
    events = async_capture_events(hass, "chargeshare_booking_requested")
    await link.deliver("booking.requested", request(evse_uid="elsewhere"))
    await hass.async_block_till_done()
    assert events[0].data["device_id"] is None
    await answer(hass, "approve_booking")
    assert link.sent == [("booking.answer", {"booking_id": "bk-7f3a", "accept": True})]


@pytest.mark.parametrize(("service", "accept"), [("approve_booking", True), ("decline_booking", False)])
async def test_the_services_send_the_hosts_answer(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble, service: str, accept: bool
) -> None:
    await link.deliver("booking.requested", request())
    await answer(hass, service)
    assert link.sent == [("booking.answer", {"booking_id": "bk-7f3a", "accept": accept})]


@pytest.mark.parametrize(
    ("prepare", "booking_id", "key"),
    [
        ("none", "bk-7f3a", "unknown_booking_request"),
        ("request", "bk-other", "unknown_booking_request"),
        ("answered", "bk-7f3a", "booking_already_answered"),
        ("expired", "bk-7f3a", "booking_request_expired"),
        ("reserved", "bk-7f3a", "unknown_booking_request"),
    ],
)
async def test_only_a_waiting_request_can_be_answered(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble, prepare: str, booking_id: str, key: str
) -> None:
    if prepare in ("request", "answered"):
        await link.deliver("booking.requested", request())
    if prepare == "answered":
        await answer(hass, "decline_booking")
    if prepare == "expired":
        await link.deliver("booking.requested", request(respond_by=ocpi_time(dt_util.utcnow() - timedelta(seconds=1))))
    if prepare == "reserved":
        await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    sent = list(link.sent)
    with pytest.raises(ServiceValidationError) as refused:
        await answer(hass, "approve_booking", booking_id)
    assert refused.value.translation_key == key
    assert link.sent == sent


async def test_without_a_linked_hub_there_is_nobody_to_answer(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as refused:
        await answer(hass, "approve_booking")
    assert refused.value.translation_key == "hub_not_linked"


async def test_a_request_for_a_booking_that_is_over_or_unreadable_is_refused(
    hass: HomeAssistant, link: LinkDouble
) -> None:
    events = async_capture_events(hass, "chargeshare_booking_requested")
    with pytest.raises(LinkRefusal) as refused:
        await link.deliver("booking.requested", request(reservation_status="CANCELED"))
    assert refused.value.field == "reservation_status"
    with pytest.raises(LinkRefusal) as refused:
        await link.deliver("booking.requested", request(period={"start_from": "soon"}))
    assert refused.value.field == "period.start_from"
    await hass.async_block_till_done()
    assert events == []


@pytest.fixture
def blueprints(hass: HomeAssistant, tmp_path: Path) -> None:
    target = tmp_path / "blueprints" / "automation" / "chargeshare"
    shutil.copytree(BLUEPRINTS, target)
    hass.config.config_dir = str(tmp_path)


@pytest.mark.parametrize(("button", "accept"), [("APPROVE", True), ("DECLINE", False)])
async def test_the_notification_blueprints_answer_goes_up_the_link(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    link: LinkDouble,
    blueprints: None,
    button: str,
    accept: bool,
) -> None:
    phone = async_mock_service(hass, "notify", "mobile_app_pixel")
    await use_blueprint(hass, "booking_request_notify", notify_service="notify.mobile_app_pixel")
    await link.deliver("booking.requested", request())
    await until(lambda: len(phone) == 1)
    assert phone[0].data["message"].startswith("Alex would like to charge at CP1, ")
    # The notification went out just before the automation waits for its answer: tap once it listens.
    await until(lambda: hass.bus.async_listeners().get("mobile_app_notification_action", 0) > 0)

    hass.bus.async_fire("mobile_app_notification_action", {"action": f"CHARGESHARE_{button}_bk-7f3a"})
    await until(lambda: len(link.sent) == 1)
    assert link.sent == [("booking.answer", {"booking_id": "bk-7f3a", "accept": accept})]

    # A second answer (another automation, a second phone) is not sent again.
    hass.bus.async_fire("chargeshare_booking_answered", {"booking_id": "bk-7f3a", "approved": not accept})
    await hass.async_block_till_done()
    assert len(link.sent) == 1
    await stop_automations(hass)

"""The link's pure parts: frames, backoff, EVSE statuses, sharing windows."""

from __future__ import annotations

from datetime import UTC, datetime
import json
from zoneinfo import ZoneInfo

import pytest

from custom_components.chargeshare.charger import ChargerState, ChargerStatus, ConnectorStatus
from custom_components.chargeshare.control.sharing import Availability, SharingRules
from custom_components.chargeshare.control.sharing_windows import parse_windows
from custom_components.chargeshare.hub_link import protocol
from custom_components.chargeshare.hub_link.backoff import Backoff
from custom_components.chargeshare.hub_link.protocol import FrameError
from custom_components.chargeshare.hub_link.up_messages import ChargerSharingNow, availability_payload, ocpi_status

NOW = datetime(2026, 11, 20, 15, 4, 5, 123456, tzinfo=UTC)  # a Friday
BERLIN = ZoneInfo("Europe/Berlin")


def test_a_frame_has_the_version_type_id_time_and_payload() -> None:
    built = protocol.frame("fault", {"x": 1}, NOW, "01HZX")
    assert built == {"v": 1, "type": "fault", "id": "01HZX", "at": "2026-11-20T15:04:05Z", "payload": {"x": 1}}
    assert json.loads(protocol.encode(built)) == built
    assert protocol.nack(None, "invalid", "not JSON", None, NOW)["payload"] == {
        "code": "invalid",
        "message": "not JSON",
    }


@pytest.mark.parametrize(
    ("text", "message", "frame_id", "field"),
    [
        ("{", "not JSON", None, None),
        ("[1]", "a frame is a JSON object", None, None),
        ('{"v": 2, "type": "ack", "id": "a"}', "unsupported protocol version 2", "a", "v"),
        ('{"v": 1, "type": "teleport", "id": "a"}', "unknown type 'teleport'", "a", "type"),
        ('{"v": 1, "type": "ack", "payload": 3}', "payload must be an object", None, "payload"),
        ('{"v": 1, "type": "booking.reserved", "payload": {}}', "a booking.reserved message needs an id", None, "id"),
        ('{"v": 1, "type": "ack", "id": 5}', "id must be a string of 1 to 64 characters", None, "id"),
        ('{"v": 1, "type": "ack", "id": "' + "x" * 65 + '"}', "id must be a string of 1 to 64 characters", None, "id"),
    ],
)
def test_frames_that_break_the_protocol_are_refused_with_what_is_wrong(
    text: str, message: str, frame_id: str | None, field: str | None
) -> None:
    with pytest.raises(FrameError, match=message) as caught:
        protocol.decode(text)
    assert caught.value.frame_id == frame_id
    assert caught.value.field == field


def test_a_down_message_is_read() -> None:
    read = protocol.decode('{"v": 1, "type": "cdr.issued", "id": "7", "at": "2026-11-20T15:04:05Z", "payload": {}}')
    assert (read.type, read.id, read.payload) == ("cdr.issued", "7", {})
    assert protocol.parse_time("2026-11-20T15:04:05Z") == NOW.replace(microsecond=0)
    assert protocol.parse_time("2026-11-20T15:04:05") is None  # no zone: not RFC 3339
    assert protocol.parse_time(17) is None


def test_backoff_waits_are_uniform_up_to_a_doubling_bound_capped_at_300_s() -> None:
    bounds: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        bounds.append((low, high))
        return high / 2

    backoff = Backoff(uniform)
    waits = [backoff.next_wait() for _ in range(12)]
    assert [high for _, high in bounds] == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]
    assert all(low == 0 for low, _ in bounds)
    assert waits[0] == 1
    for _ in range(2000):  # a link down for days does not overflow
        backoff.next_wait()
    assert bounds[-1] == (0, 300)


def test_a_stable_connection_starts_the_waits_over_and_a_short_one_does_not() -> None:
    backoff = Backoff(lambda _low, high: high)
    backoff.next_wait()
    backoff.next_wait()
    backoff.connection_lasted(59)
    assert backoff.next_wait() == 8
    backoff.connection_lasted(60)
    assert backoff.next_wait() == 2


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (ChargerState(online=False, connector_status=ConnectorStatus.AVAILABLE), "UNKNOWN"),
        (ChargerState(online=True, connector_status=ConnectorStatus.AVAILABLE), "AVAILABLE"),
        (ChargerState(online=True, connector_status=ConnectorStatus.PREPARING), "CHARGING"),
        (ChargerState(online=True, connector_status=ConnectorStatus.SUSPENDED_EV), "CHARGING"),
        (ChargerState(online=True, connector_status=ConnectorStatus.FINISHING), "CHARGING"),
        (ChargerState(online=True, connector_status=ConnectorStatus.RESERVED), "RESERVED"),
        (ChargerState(online=True, connector_status=ConnectorStatus.UNAVAILABLE), "INOPERATIVE"),
        (ChargerState(online=True, connector_status=ConnectorStatus.FAULTED), "OUTOFORDER"),
        (ChargerState(online=True, available=False, connector_status=ConnectorStatus.AVAILABLE), "INOPERATIVE"),
        (ChargerState(online=True, status=ChargerStatus.NO_VEHICLE), "AVAILABLE"),  # Modbus: no connector status
        (ChargerState(online=True, status=ChargerStatus.CONNECTED), "CHARGING"),
        (ChargerState(online=True, status=ChargerStatus.FAULT), "OUTOFORDER"),
        (ChargerState(online=True), "UNKNOWN"),
    ],
)
def test_evse_statuses_in_ocpi_terms(state: ChargerState, status: str) -> None:
    assert ocpi_status(state) == status


def sharing(windows: str, *, enabled: bool = True, available: bool = True, name: str = "CP1") -> ChargerSharingNow:
    rules = SharingRules(enabled=enabled, windows=parse_windows(windows))
    return ChargerSharingNow(name, rules, Availability(available, "shared" if available else "outside sharing hours"))


def test_availability_names_the_local_windows_of_the_coming_week_in_utc() -> None:
    payload = availability_payload("LOC1", [sharing("mon-fri 08:00-18:00", available=False)], BERLIN, NOW)
    assert payload["sharing"] is False
    assert payload["reason"] == "outside sharing hours"
    assert payload["windows"][0] == {"from": "2026-11-20T07:00:00Z", "to": "2026-11-20T17:00:00Z"}  # Fri, CET
    assert [window["from"][:10] for window in payload["windows"]] == [
        "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27",
    ]  # fmt: skip


def test_availability_of_several_chargers_merges_their_windows() -> None:
    payload = availability_payload(
        "LOC1",
        [
            sharing("sat 08:00-12:00", available=False),
            sharing("sat 11:00-14:00", name="CP2"),
            sharing("", enabled=False, name="CP3"),
        ],
        BERLIN,
        NOW,
    )
    assert payload["sharing"] is True
    assert payload["windows"] == [{"from": "2026-11-21T07:00:00Z", "to": "2026-11-21T13:00:00Z"}]
    assert payload["reason"] == "CP1: outside sharing hours; CP2: shared; CP3: shared"


def test_sharing_at_any_hour_is_one_window_over_the_whole_horizon() -> None:
    payload = availability_payload("LOC1", [sharing("")], BERLIN, NOW)
    assert payload["windows"] == [{"from": "2026-11-20T00:00:00Z", "to": "2026-11-28T00:00:00Z"}]

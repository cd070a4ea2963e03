"""Guest session reports from charger states, with the clock in the test's hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant

from custom_components.chargeshare.charger import ChargerState, ChargingSession, MeterReading
from custom_components.chargeshare.hub_link.guest_sessions import GuestSessions, SessionTracker
from custom_components.chargeshare.hub_link.state import LinkState, OpenSession

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
OPEN = OpenSession(local_id="100", session_id="hub-100", location_id="LOC1", meter_start_wh=1_000_000)


def charging(energy_kwh: float, *, session_id: str = "100", ended_at: datetime | None = None) -> ChargerState:
    """A charger whose register started the session at 1000 kWh."""
    session = ChargingSession(session_id, T0, energy_kwh, id_tag="BK1", ended_at=ended_at, stop_reason="Local")
    return ChargerState(online=True, meter=MeterReading(power_w=11_000, energy_kwh=1000 + energy_kwh), session=session)


class Reports:
    def __init__(self, hass: HomeAssistant) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.guest: list[bool] = []
        self.sessions = GuestSessions(hass, LinkState(hass, "test_link_state"), "test", self._enqueue)
        self.tracker = SessionTracker("CP1", self.guest.append, open=OPEN)

    def _enqueue(self, type_: str, payload: dict[str, Any], then: Any) -> None:
        self.sent.append((type_, payload))
        if then is not None:
            then()

    def at(self, seconds: float, state: ChargerState) -> None:
        self.sessions.update(self.tracker, state, T0 + timedelta(seconds=seconds))

    def types(self) -> list[str]:
        return [type_ for type_, _ in self.sent]


async def test_progress_goes_up_at_most_every_10_seconds_and_only_when_it_moved(hass: HomeAssistant) -> None:
    reports = Reports(hass)
    reports.at(0, charging(0.1))
    reports.at(5, charging(0.2))
    reports.at(9.9, charging(0.3))
    reports.at(10, charging(0.4))
    reports.at(25, charging(0.4))
    assert reports.sent == [
        (
            "session.progress",
            {"session_id": "hub-100", "at": "2026-11-21T15:00:00Z", "meter_wh": 1_000_100, "power_w": 11000},
        ),
        (
            "session.progress",
            {"session_id": "hub-100", "at": "2026-11-21T15:00:10Z", "meter_wh": 1_000_400, "power_w": 11000},
        ),
    ]


async def test_the_end_carries_the_meter_and_is_sent_once(hass: HomeAssistant) -> None:
    reports = Reports(hass)
    ended = charging(5.0, ended_at=T0 + timedelta(hours=1))
    reports.at(3600, ended)
    reports.at(3601, ended)
    assert reports.sent == [
        (
            "session.end",
            {"session_id": "hub-100", "end": "2026-11-21T16:00:00Z", "meter_stop_wh": 1_005_000, "reason": "Local"},
        )
    ]
    assert reports.guest == [False]
    assert reports.tracker.open is None


async def test_a_session_replaced_by_the_next_one_ends_where_the_next_began(hass: HomeAssistant) -> None:
    reports = Reports(hass)
    later = T0 + timedelta(hours=2)
    host_session = ChargingSession("200", later, 0.5, id_tag="HOSTCARD")
    state = ChargerState(online=True, meter=MeterReading(energy_kwh=1007.5), session=host_session)
    reports.sessions.update(reports.tracker, state, later + timedelta(minutes=3))
    assert reports.sent == [
        (
            "session.end",
            {"session_id": "hub-100", "end": "2026-11-21T17:00:00Z", "meter_stop_wh": 1_007_000, "reason": "Other"},
        )
    ]
    assert reports.tracker.ignored == "200"  # the host's own: not reported


async def test_a_guest_session_open_before_a_restart_is_a_guest_session_again(hass: HomeAssistant) -> None:
    state = LinkState(hass, "test_restart_state")
    state.session_opened("CP1", OPEN)
    guest: list[bool] = []
    tracker = GuestSessions(hass, state, "test", lambda *_: None).tracker("CP1", guest.append)
    assert tracker.open == OPEN
    assert guest == [True]

"""Sharing rules: the switch, windows, the surplus rule with its hold-off, guest sessions and guest charging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st
import pytest

from custom_components.chargeshare.control.model import Mode, Settings
from custom_components.chargeshare.control.sharing import (
    Availability,
    GuestCharging,
    GuestPower,
    SharingEvaluator,
    SharingRules,
    SurplusRule,
    guest_charging,
)
from custom_components.chargeshare.control.sharing_windows import parse_windows, period_at

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_NOON = datetime(2026, 6, 1, 12, 0, tzinfo=BERLIN)
OFFICE_HOURS = parse_windows("mon-fri 08:00-18:00")
TWO_KW_FOR_10_MIN = SurplusRule(min_surplus_w=2000, for_minutes=10)


def evaluator(**rules: object) -> SharingEvaluator:
    return SharingEvaluator(SharingRules(**{"enabled": True, **rules}), BERLIN)  # type: ignore[arg-type]


def at(minutes: float) -> datetime:
    return MONDAY_NOON + timedelta(minutes=minutes)


def test_a_new_installation_does_not_share() -> None:
    assert SharingEvaluator(SharingRules(), BERLIN).update(MONDAY_NOON, 5000, False, False) == Availability(
        False, "sharing switched off"
    )


@pytest.mark.parametrize(
    ("now", "connected", "expected"),
    [
        (MONDAY_NOON, False, Availability(True, "shared until Mon 18:00", datetime(2026, 6, 1, 16, tzinfo=UTC))),
        (MONDAY_NOON, True, Availability(False, "charger in use")),
        (datetime(2026, 6, 1, 18, tzinfo=BERLIN), False,
         Availability(False, "outside sharing hours: next Tue 08:00", datetime(2026, 6, 2, 6, tzinfo=UTC))),
        (datetime(2026, 6, 5, 19, tzinfo=BERLIN), True,
         Availability(False, "outside sharing hours: next Mon 08:00", datetime(2026, 6, 8, 6, tzinfo=UTC))),
    ],
)  # fmt: skip
def test_sharing_hours(now: datetime, connected: bool, expected: Availability) -> None:
    assert evaluator(windows=OFFICE_HOURS).update(now, None, connected, False) == expected


def test_without_windows_or_surplus_rule_sharing_is_always_on() -> None:
    assert evaluator().update(MONDAY_NOON, None, False, False) == Availability(True, "shared")


# (minutes from the start, surplus W, available, reason)
Step = tuple[float, float | None, bool, str]
WAITING = "waiting for 2.0 kW surplus for 10 min"


@pytest.mark.parametrize(
    ("rule", "steps"),
    [
        pytest.param(TWO_KW_FOR_10_MIN, [
            (0, 2500, False, WAITING),
            (9.9, 2000, False, WAITING),
            (10, 2600, True, "shared until Mon 18:00: 2.0 kW surplus"),
            (12, 1500, True, "shared until Mon 18:00: surplus below 2.0 kW for 0 of 10 min"),
            (15.5, 1500, True, "shared until Mon 18:00: surplus below 2.0 kW for 3 of 10 min"),
            (16, 2100, True, "shared until Mon 18:00: 2.0 kW surplus"),  # back above: the hold-off starts over
            (17, 1000, True, "shared until Mon 18:00: surplus below 2.0 kW for 0 of 10 min"),
            (26.9, 0, True, "shared until Mon 18:00: surplus below 2.0 kW for 9 of 10 min"),
            (27, 0, False, WAITING),
        ], id="hold-off as long as the wait"),
        pytest.param(TWO_KW_FOR_10_MIN, [
            (0, 2500, False, WAITING),
            (5, 1999, False, WAITING),  # a dip restarts the wait
            (6, 2500, False, WAITING),
            (15.9, 2500, False, WAITING),
            (16, 2500, True, "shared until Mon 18:00: 2.0 kW surplus"),
        ], id="a dip restarts the wait"),
        pytest.param(SurplusRule(min_surplus_w=1500, for_minutes=5, off_delay_minutes=20), [
            (0, 1500, False, "waiting for 1.5 kW surplus for 5 min"),
            (5, 1500, True, "shared until Mon 18:00: 1.5 kW surplus"),
            (6, -300, True, "shared until Mon 18:00: surplus below 1.5 kW for 0 of 20 min"),
            (25.9, -300, True, "shared until Mon 18:00: surplus below 1.5 kW for 19 of 20 min"),
            (26, -300, False, "waiting for 1.5 kW surplus for 5 min"),
        ], id="a separate off delay"),
        pytest.param(SurplusRule(min_surplus_w=0, for_minutes=0), [
            (0, 0, True, "shared until Mon 18:00: 0.0 kW surplus"),
            (1, -1, False, "waiting for 0.0 kW surplus for 0 min"),
        ], id="no delays"),
        pytest.param(TWO_KW_FOR_10_MIN, [
            (0, 2500, False, WAITING),
            (10, 2500, True, "shared until Mon 18:00: 2.0 kW surplus"),
            (11, None, False, "no surplus reading"),  # fail safe, at once
            (12, 2500, False, WAITING),  # and the wait starts over
            (21.9, 2500, False, WAITING),
            (22, 2500, True, "shared until Mon 18:00: 2.0 kW surplus"),
        ], id="unknown surplus"),
        pytest.param(TWO_KW_FOR_10_MIN, [
            (0, 2500, False, WAITING),
            (-30, 2500, False, WAITING),  # the clock stepped back half an hour: the wait restarts there
            (-20, 2500, True, "shared until Mon 18:00: 2.0 kW surplus"),
        ], id="clock stepped back"),
    ],
)  # fmt: skip
def test_surplus_rule_with_hold_off(rule: SurplusRule, steps: list[Step]) -> None:
    sharing = evaluator(windows=OFFICE_HOURS, surplus=rule)
    for minutes, surplus_w, available, reason in steps:
        result = sharing.update(at(minutes), surplus_w, False, False)
        assert (result.available, result.reason) == (available, reason), f"at {minutes} min"


def test_surplus_before_the_window_opens_counts() -> None:
    sharing = evaluator(windows=parse_windows("mon 12:30-18:00"), surplus=TWO_KW_FOR_10_MIN)
    assert sharing.update(at(0), 3000, False, False).reason == "outside sharing hours: next Mon 12:30"
    assert sharing.update(at(30), 3000, False, False).available


def test_times_are_compared_as_instants_across_a_dst_change() -> None:
    sharing = evaluator(surplus=SurplusRule(min_surplus_w=2000, for_minutes=30))
    # 01:50 CET and 03:05 CEST on the same wall-clock zone: 15 minutes apart, not 75.
    assert not sharing.update(datetime(2026, 3, 29, 1, 50, tzinfo=BERLIN), 2500, False, False).available
    assert not sharing.update(datetime(2026, 3, 29, 3, 5, tzinfo=BERLIN), 2500, False, False).available
    assert sharing.update(datetime(2026, 3, 29, 3, 20, tzinfo=BERLIN), 2500, False, False).available


@pytest.mark.parametrize(
    ("enabled", "now", "surplus_w", "reason"),
    [
        (True, at(0), 2500, "guest session in progress"),
        (True, at(10), 2500, "guest session in progress"),  # available by surplus by now
        (True, at(20), 0, "guest session in progress"),  # the surplus is gone, the hold-off too
        (True, at(20), None, "guest session in progress"),  # no surplus reading
        (True, datetime(2026, 6, 1, 18, 30, tzinfo=BERLIN), 2500, "guest session in progress"),  # after hours
        (False, at(20), 2500, "guest session in progress; sharing switched off for new guests"),
    ],
)
def test_a_guest_session_is_never_cut(enabled: bool, now: datetime, surplus_w: float | None, reason: str) -> None:
    sharing = evaluator(enabled=enabled, windows=OFFICE_HOURS, surplus=TWO_KW_FOR_10_MIN)
    sharing.update(at(0), 2500, True, True)
    assert sharing.update(now, surplus_w, True, True) == Availability(True, reason)


def test_switching_off_stops_new_guests_and_switching_on_keeps_the_surplus_timer() -> None:
    sharing = evaluator(surplus=TWO_KW_FOR_10_MIN)
    sharing.update(at(0), 2500, False, False)
    sharing.set_rules(SharingRules(enabled=False, surplus=TWO_KW_FOR_10_MIN))
    assert sharing.update(at(10), 2500, False, False) == Availability(False, "sharing switched off")
    sharing.set_rules(SharingRules(enabled=True, surplus=TWO_KW_FOR_10_MIN))
    assert sharing.update(at(11), 2500, False, False).available
    assert sharing.rules == SharingRules(enabled=True, surplus=TWO_KW_FOR_10_MIN)


@pytest.mark.parametrize(
    ("new_rule", "available"),
    [(SurplusRule(min_surplus_w=1000, for_minutes=10), False), (None, True)],
)
def test_a_new_surplus_rule_starts_its_own_timer(new_rule: SurplusRule | None, available: bool) -> None:
    sharing = evaluator(surplus=TWO_KW_FOR_10_MIN)
    sharing.update(at(0), 2500, False, False)
    sharing.set_rules(SharingRules(enabled=True, surplus=new_rule))
    assert sharing.update(at(10), 2500, False, False).available is available


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluator().update(datetime(2026, 6, 1, 12), None, False, False)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("power", "expected"),
    [
        (GuestPower.FIXED, GuestCharging(Mode.FAST, 10.0)),
        (GuestPower.SOLAR, GuestCharging(Mode.SOLAR, None)),
        (GuestPower.MIN_SOLAR, GuestCharging(Mode.MIN_SOLAR, None)),
    ],
)
def test_how_a_guest_charges(power: GuestPower, expected: GuestCharging) -> None:
    assert guest_charging(SharingRules(guest_power=power, guest_current_a=10.0)) == expected


def test_guest_charging_replaces_the_host_cars_mode_and_current() -> None:
    host = Settings(mode=Mode.SOLAR, min_current_a=8.0, max_current_a=32.0, fuse_a=25.0)
    fixed = GuestCharging(Mode.FAST, 6.0).apply(host)
    assert (fixed.mode, fixed.min_current_a, fixed.max_current_a, fixed.fuse_a) == (Mode.FAST, 6.0, 6.0, 25.0)
    assert GuestCharging(Mode.MIN_SOLAR, None).apply(host) == Settings(
        mode=Mode.MIN_SOLAR, min_current_a=8.0, max_current_a=32.0, fuse_a=25.0
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SharingRules(guest_current_a=5.0), "at least 6 A"),
        (lambda: SurplusRule(min_surplus_w=1000, for_minutes=-1), "negative"),
        (lambda: SurplusRule(min_surplus_w=1000, for_minutes=1, off_delay_minutes=-1), "negative"),
    ],
)
def test_impossible_rules_are_refused(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


@dataclass(frozen=True)
class Update:
    minutes: int
    surplus_w: float | None
    connected: bool
    guest: bool


updates = st.lists(
    st.builds(
        Update,
        st.integers(0, 60 * 24 * 3),
        st.none() | st.floats(-5000, 10000),
        st.booleans(),
        st.booleans(),
    ),
    max_size=30,
).map(lambda steps: sorted(steps, key=lambda step: step.minutes))
rules = st.builds(
    SharingRules,
    enabled=st.booleans(),
    windows=st.sampled_from([(), OFFICE_HOURS, parse_windows("sat,sun 00:00-24:00; wed 22:00-02:00")]),
    surplus=st.none() | st.builds(SurplusRule, st.floats(0, 5000), st.integers(0, 30), st.none() | st.integers(0, 30)),
)


@given(rules, updates)
def test_availability_properties(sharing_rules: SharingRules, steps: list[Update]) -> None:
    sharing = SharingEvaluator(sharing_rules, BERLIN)
    for step in steps:
        now = at(step.minutes)
        result = sharing.update(now, step.surplus_w, step.connected or step.guest, step.guest)
        if step.guest:
            assert result.available
            continue
        if result.available:
            assert sharing_rules.enabled
            assert not step.connected
            assert sharing_rules.surplus is None or step.surplus_w is not None
            assert result.next_change is None or result.next_change > now
        if period_at(sharing_rules.windows, BERLIN, now).start > now:  # outside every window
            assert not result.available

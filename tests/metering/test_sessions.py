"""The energy register never goes backwards and sessions survive a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.chargeshare.metering.sessions import SessionBook

T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def test_a_lifetime_register_is_published_as_is() -> None:
    book = SessionBook()
    transaction_id = book.start(id_tag="CARD", meter_start_kwh=1000.0, started_at=T0)
    assert book.record(1005.5)
    assert book.total_kwh == pytest.approx(1005.5)
    assert book.session is not None
    assert book.session.energy_kwh == pytest.approx(5.5)
    assert book.stop(transaction_id, 1007.0, T0 + timedelta(hours=1), "Local")
    assert book.session.energy_kwh == pytest.approx(7.0)
    assert book.session.ended_at == T0 + timedelta(hours=1)
    assert book.active_transaction_id is None


def test_a_register_that_restarts_with_every_session_keeps_adding_up() -> None:
    book = SessionBook()
    first = book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0)
    book.record(5.0)
    book.stop(first, 6.0, T0 + timedelta(hours=1), "Local")
    second = book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0 + timedelta(hours=2))
    book.record(0.4)
    assert book.total_kwh == pytest.approx(6.4)
    book.record(7.0)  # this session grows past the last one: still the same register
    assert book.total_kwh == pytest.approx(13.0)
    book.stop(second, 7.5, T0 + timedelta(hours=3), "Local")
    assert book.total_kwh == pytest.approx(13.5)
    assert book.session is not None
    assert book.session.energy_kwh == pytest.approx(7.5)


def test_a_meter_start_a_little_below_the_last_reading_is_not_a_restart() -> None:
    book = SessionBook()
    book.record(1234.5)
    book.start(id_tag=None, meter_start_kwh=1234.4, started_at=T0)  # the charger lost 100 Wh in a power cut
    assert book.total_kwh == pytest.approx(1234.5)
    assert not book.record(1234.45)
    assert book.record(1234.7)
    assert book.total_kwh == pytest.approx(1234.7)
    assert book.session is not None
    assert book.session.energy_kwh == pytest.approx(0.2)


def test_a_drop_in_the_middle_of_a_session_is_a_glitch() -> None:
    book = SessionBook()
    book.start(id_tag=None, meter_start_kwh=1000.0, started_at=T0)
    assert book.record(1001.0)
    assert not book.record(0.0)
    assert book.total_kwh == pytest.approx(1001.0)
    assert book.record(1002.0)
    assert book.total_kwh == pytest.approx(1002.0)


def test_a_wrong_meter_start_of_zero_is_undone_by_a_first_reading_no_charger_could_reach() -> None:
    book = SessionBook()
    book.record(1000.0)
    book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0)
    book.record(1000.2, deliverable_kwh=0.5)
    assert book.total_kwh == pytest.approx(1000.2)
    assert book.session is not None
    assert book.session.energy_kwh == pytest.approx(0.2)


def test_readings_without_a_session_never_go_backwards() -> None:
    book = SessionBook()
    book.record(50.0)
    assert not book.record(0.0)
    assert book.total_kwh == pytest.approx(50.0)


def test_a_transaction_that_started_before_our_records_is_adopted() -> None:
    book = SessionBook()
    book.record(100.0)
    book.adopt(4711, T0)
    assert book.active_transaction_id == 4711
    book.record(103.0)
    assert book.session is not None
    assert book.session.energy_kwh == pytest.approx(3.0)
    assert book.stop(4711, 104.0, T0 + timedelta(hours=1), "Remote")


def test_stopping_an_unknown_transaction_still_takes_its_meter_reading() -> None:
    book = SessionBook()
    book.record(10.0)
    assert not book.stop(99, 12.0, T0, "Local")
    assert book.total_kwh == pytest.approx(12.0)


def test_a_new_start_closes_a_session_left_open() -> None:
    book = SessionBook()
    first = book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0)
    second = book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0 + timedelta(minutes=1))
    assert second != first
    assert book.active_transaction_id == second


def test_transaction_ids_always_increase() -> None:
    book = SessionBook()
    ids = [book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0) for _ in range(3)]
    assert ids == sorted(set(ids))
    assert ids[0] == int(T0.timestamp())


def test_everything_survives_a_save_and_load() -> None:
    book = SessionBook()
    transaction_id = book.start(id_tag="CARD", meter_start_kwh=0.0, started_at=T0)
    book.record(3.0)
    restored = SessionBook(book.to_dict())
    assert restored.total_kwh == book.total_kwh
    assert restored.session == book.session
    assert restored.active_transaction_id == transaction_id
    restored.record(4.0)
    assert restored.session is not None
    assert restored.session.energy_kwh == pytest.approx(4.0)


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 99},
        {"version": 1, "offset_kwh": "x", "raw_kwh": 1, "last_transaction_id": 1},
        {"version": 1, "offset_kwh": 0, "raw_kwh": 1},
        {"version": 1, "offset_kwh": 0, "raw_kwh": 1, "last_transaction_id": 1, "session": {"bogus": 1}},
        {
            "version": 1,
            "offset_kwh": 0,
            "raw_kwh": 1,
            "last_transaction_id": 1,
            "session": {"transaction_id": 1, "started_at": "yesterday", "start_total_kwh": 0},
        },
    ],
)
def test_unreadable_stored_data_is_reported_not_guessed(stored: dict) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the problem, any wording
        SessionBook(stored)


def test_a_first_reading_within_what_the_charger_can_deliver_confirms_the_restart() -> None:
    book = SessionBook()
    first = book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0)
    book.stop(first, 0.1, T0 + timedelta(minutes=1), "Local")  # a short session
    book.start(id_tag=None, meter_start_kwh=0.0, started_at=T0 + timedelta(hours=1))
    # 0.18 kWh after one minute at 11 kW: this session's own energy, though more than the last session's total.
    assert book.record(0.18, deliverable_kwh=0.2)
    assert book.total_kwh == pytest.approx(0.28)

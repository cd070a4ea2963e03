"""The payout and dispute settings: a host is paid out from 25.00 (minor units 2500) owed, a charge is disputed
within 7 days, and either can be set from the file or the environment, but not below 1."""

from __future__ import annotations

import pytest

from chargeshare_hub.config import ConfigError, HubConfig, load_config


def test_hosts_are_paid_out_from_2500_minor_units_and_charges_disputed_for_7_days_by_default() -> None:
    assert (HubConfig().payout_threshold_minor, HubConfig().dispute_window_days) == (2500, 7)


def test_both_are_set_from_the_environment() -> None:
    config = load_config(
        environ={"CHARGESHARE_HUB_PAYOUT_THRESHOLD_MINOR": "10000", "CHARGESHARE_HUB_DISPUTE_WINDOW_DAYS": "14"}
    )

    assert (config.payout_threshold_minor, config.dispute_window_days) == (10000, 14)


@pytest.mark.parametrize(("name", "value"), [("PAYOUT_THRESHOLD_MINOR", "0"), ("DISPUTE_WINDOW_DAYS", "-1")])
def test_neither_is_below_1(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"^{name.lower()}: must be at least 1, got {value}$"):
        load_config(environ={f"CHARGESHARE_HUB_{name}": value})

"""The payment tests' hub (payments/conftest.py) with a payout threshold of 1.00 EUR, so that the 1.25 EUR a host
earns from one charged session is paid out (the default threshold is in test_payout_runs.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chargeshare_hub.config import HubConfig

from .helpers import THRESHOLD


@pytest.fixture
def hub_config(hub_config: HubConfig) -> HubConfig:
    return replace(hub_config, payout_threshold_minor=THRESHOLD)

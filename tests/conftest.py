"""Fixtures for every test."""

from __future__ import annotations

import pytest

# pytest-homeassistant-custom-component ships its own `custom_components` package; importing ours
# before the `hass` fixture runs makes ours the one Home Assistant finds.
import custom_components.chargeshare  # noqa: F401


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load integrations from custom_components/ in every test."""

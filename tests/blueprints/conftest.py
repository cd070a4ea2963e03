"""The blueprints against a test Home Assistant: found under its config dir, run with our real entities."""

from __future__ import annotations

from pathlib import Path
import shutil

from homeassistant.core import HomeAssistant
import pytest

# The Modbus simulator entry of the integration tests: our real Sharing switch and its neighbours.
from tests.integration.conftest import (  # noqa: F401
    modbus_charger,
    modbus_entry,
    publish_at_once,
    setup_modbus,
)

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "chargeshare"


@pytest.fixture
def blueprints(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Our blueprints where Home Assistant looks for them: <config>/blueprints/automation/chargeshare/."""
    target = tmp_path / "blueprints" / "automation" / "chargeshare"
    shutil.copytree(BLUEPRINTS, target)
    hass.config.config_dir = str(tmp_path)
    return target

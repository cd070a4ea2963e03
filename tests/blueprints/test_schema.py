"""Every blueprint passes Home Assistant's blueprint schema and declares every input it uses."""

from __future__ import annotations

import inspect
from pathlib import Path

from homeassistant.components.blueprint import models
from homeassistant.components.blueprint.schemas import BLUEPRINT_SCHEMA
from homeassistant.util import yaml as yaml_util
import pytest

from .conftest import BLUEPRINTS

FILES = sorted(BLUEPRINTS.glob("*.yaml"))


def test_there_are_four_blueprints() -> None:
    assert [f.stem for f in FILES] == [
        "booking_request_notify",
        "pause_sharing_low_solar",
        "share_off_peak",
        "stop_guest_charging_low_battery",
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_blueprint_is_valid(path: Path) -> None:
    data = yaml_util.load_yaml(path)
    # Home Assistant 2026 requires the schema argument; 2024.3 has none.
    schema = {"schema": BLUEPRINT_SCHEMA} if "schema" in inspect.signature(models.Blueprint).parameters else {}
    blueprint = models.Blueprint(data, expected_domain="automation", **schema)
    blueprint.validate()
    metadata = data["blueprint"]
    assert metadata["name"].startswith("ChargeShare - ")
    assert metadata["description"]
    assert "source_url" not in metadata
    # 2024.3 accepts only the legacy keys; 2026 still accepts them.
    assert {"trigger", "action"} <= data.keys()
    assert not {"triggers", "actions", "conditions"} & data.keys()
    for name, spec in metadata["input"].items():
        assert {"name", "description", "selector"} <= spec.keys(), name

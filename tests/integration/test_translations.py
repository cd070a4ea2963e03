"""Every language has every text, with the same placeholders, and every key the code uses exists."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

import pytest
import yaml

from custom_components.chargeshare import binary_sensor, button, number, select, sensor, switch, text, time
from custom_components.chargeshare.coordinator import _ERRORS

COMPONENT = Path(__file__).parents[2] / "custom_components" / "chargeshare"
ENGLISH = json.loads((COMPONENT / "translations" / "en.json").read_text())
LANGUAGES = sorted(p.stem for p in (COMPONENT / "translations").glob("*.json"))


def leaves(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def test_german_is_shipped() -> None:
    assert LANGUAGES == ["de", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_text_with_the_same_placeholders(language: str) -> None:
    translated = dict(leaves(json.loads((COMPONENT / "translations" / f"{language}.json").read_text())))
    english = dict(leaves(ENGLISH))
    assert translated.keys() == english.keys()
    for key, english_text in english.items():
        assert set(re.findall(r"{(\w+)}", translated[key])) == set(re.findall(r"{(\w+)}", english_text)), key


def test_every_entity_has_a_translated_name() -> None:
    platforms = {
        "sensor": (*sensor.SENSORS, *sensor.CONTROL_SENSORS, *sensor.SHARING_SENSORS),
        "switch": (*switch.SWITCHES, switch.SHARING),
        "button": button.BUTTONS,
        "number": (number.CURRENT_LIMIT, *number.CONTROL_NUMBERS, *number.SHARING_NUMBERS),
        "binary_sensor": (binary_sensor.ONLINE, *binary_sensor.SHARING_BINARY_SENSORS),
        "select": (select.CHARGING_MODE, select.GUEST_CHARGING),
        "text": (text.SHARING_WINDOWS,),
        "time": (time.DEPARTURE,),
    }
    for platform, descriptions in platforms.items():
        assert len({d.key for d in descriptions}) == len(descriptions), platform
        for description in descriptions:
            assert "name" in ENGLISH["entity"][platform][description.translation_key], description.key
            if getattr(description, "options", None):
                states = ENGLISH["entity"][platform][description.translation_key]["state"]
                assert set(states) == set(description.options), description.key


def test_every_service_is_described_in_every_language() -> None:
    services = yaml.safe_load((COMPONENT / "services.yaml").read_text())
    assert set(services) == set(ENGLISH["services"])
    for name, service in services.items():
        assert set(service["fields"]) == set(ENGLISH["services"][name]["fields"]), name


def test_every_error_the_coordinator_raises_is_translated() -> None:
    for _, key in _ERRORS:
        assert key in ENGLISH["exceptions"]

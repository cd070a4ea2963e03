"""Setting up an automation from one of our blueprints, and tearing it down without lingering timers."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component


async def use_blueprint(hass: HomeAssistant, name: str, **inputs: Any) -> None:
    """An automation from blueprints/automation/chargeshare/<name>.yaml; setup validates it with its inputs."""
    config = {"automation": {"use_blueprint": {"path": f"chargeshare/{name}.yaml", "input": inputs}}}
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()
    assert hass.states.async_entity_ids("automation"), "the blueprint did not make an automation"


async def stop_automations(hass: HomeAssistant) -> None:
    """A waiting `for:` or wait_for_trigger would fail the test as a lingering timer."""
    await hass.services.async_call("automation", "turn_off", {"entity_id": "all"}, blocking=True)
    await hass.async_block_till_done()

"""ChargeShare's central system as users run it: a config entry set up inside a running Home Assistant.

The entry configures every load charger, so the integration creates their devices, entities, coordinators
(which publish to the entities at most once a second per charger) and the Store that persists sessions,
then starts its OcppServer. Home Assistant is pytest-homeassistant-custom-component's test instance,
with a temporary configuration directory so the Store really writes.

Setting up N chargers creates about 22 N registry entries at once, which Home Assistant saves 10 s later
(90 ms on the event loop for 22 000 entries). A running Home Assistant loads its registries from disk and
saves them only when they change, so the server waits for those first saves before the measurement starts
(in real time: a Store checks the clock before it writes).
"""

from __future__ import annotations

# pytest-homeassistant-custom-component ships a `custom_components` package of its own; importing ours first
# makes it the one Home Assistant's loader finds (as tests/conftest.py does). It also imports
# homeassistant.core before homeassistant.loader, the order Home Assistant's modules need.
import custom_components.chargeshare  # noqa: F401  # isort: skip

import asyncio
from collections.abc import AsyncIterator, Sequence
import contextlib
import logging
import tempfile

from homeassistant import loader
from homeassistant.const import CONF_HOST, CONF_PORT
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant

from custom_components.chargeshare.const import (
    CONF_ALLOW_UNKNOWN_CHARGERS,
    CONF_CHARGERS,
    CONF_CONNECTOR_TYPE,
    CONF_MAX_CURRENT,
    CONF_PHASES,
    CONF_SKIP_SCHEMA_VALIDATION,
    DOMAIN,
)

# Home Assistant's stores write 10 s after a change; a moment later every startup write is done.
STARTUP_WRITES_DONE_S = 11.0
# A 3-phase 16 A wallbox with schema validation on (the default).
CHARGER_OPTIONS = {
    CONF_MAX_CURRENT: 16,
    CONF_PHASES: "3",
    CONF_CONNECTOR_TYPE: "type2_socket",
    CONF_SKIP_SCHEMA_VALIDATION: False,
}


@contextlib.asynccontextmanager
async def serve(charge_point_ids: Sequence[str]) -> AsyncIterator[int]:
    """Set the integration up for `charge_point_ids` on a free port of 127.0.0.1 and yield the port."""
    # Its warning that custom integrations are untested by Home Assistant is expected here.
    logging.getLogger(loader.__name__).setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="chargeshare-bench-") as config_dir:
        async with async_test_home_assistant(storage_dir=config_dir) as hass:
            # What phcc's enable_custom_integrations fixture does: let the loader look in custom_components/.
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            entry = MockConfigEntry(
                domain=DOMAIN,
                title="OCPP central system (benchmark)",
                data={CONF_HOST: "127.0.0.1", CONF_PORT: 0, CONF_ALLOW_UNKNOWN_CHARGERS: False},
                options={
                    CONF_CHARGERS: {charge_point_id: dict(CHARGER_OPTIONS) for charge_point_id in charge_point_ids}
                },
            )
            entry.add_to_hass(hass)
            if not await hass.config_entries.async_setup(entry.entry_id):
                raise RuntimeError(f"the ChargeShare config entry did not set up: {entry.state} {entry.reason}")
            await hass.async_block_till_done()
            await asyncio.sleep(STARTUP_WRITES_DONE_S)
            await hass.async_block_till_done()
            try:
                yield entry.runtime_data.server.port
            finally:
                await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)

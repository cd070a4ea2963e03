"""Constants shared by the integration's modules."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "chargeshare"
LOGGER = logging.getLogger(__package__)

# Which transport an entry's chargers use; entries without one are OCPP (they predate Modbus).
CONF_TRANSPORT: Final = "transport"
TRANSPORT_OCPP: Final = "ocpp"
TRANSPORT_MODBUS: Final = "modbus"
# The third kind of entry has no chargers: the link to a ChargeShare hub (hub_link/), one per Home Assistant.
KIND_HUB_LINK: Final = "hub_link"
# Charger entries send it when their chargers appear, change or go: the hub link follows them.
SIGNAL_CHARGERS_CHANGED: Final = "chargeshare_chargers_changed"

# Config entry data: the OCPP central system (changed by reconfigure, which restarts the server).
CONF_ALLOW_UNKNOWN_CHARGERS: Final = "allow_unknown_chargers"
CONF_SSL_CERTFILE: Final = "ssl_certfile"
CONF_SSL_KEYFILE: Final = "ssl_keyfile"
DEFAULT_HOST: Final = "0.0.0.0"  # noqa: S104 - chargers connect from the LAN
DEFAULT_PORT: Final = 9000

# Config entry options: the chargers of that server and the id tags that may charge (applied live).
CONF_CHARGERS: Final = "chargers"
CONF_CHARGE_POINT_ID: Final = "charge_point_id"
CONF_MAX_CURRENT: Final = "max_current"
CONF_PHASES: Final = "phases"
CONF_CONNECTOR_TYPE: Final = "connector_type"
CONF_SKIP_SCHEMA_VALIDATION: Final = "skip_schema_validation"
CONF_ID_TAGS: Final = "id_tags"
CONF_ID_TAG: Final = "id_tag"

DEFAULT_MAX_CURRENT: Final = 16
MIN_CURRENT: Final = 6  # IEC 61851: below 6 A a car does not charge
MAX_CURRENT: Final = 80
CONNECTOR_TYPES: Final = ("type2_socket", "type2_cable", "type1_cable", "domestic")

# Config entry data of a Modbus charger (reconfigure changes it, which restarts the connection) ...
CONF_UNIT_ID: Final = "unit_id"
CONF_PROFILE: Final = "profile"
DEFAULT_MODBUS_PORT: Final = 502
PROFILE_AUTO: Final = "auto"  # the config flow's "find out which charger it is"
# ... and options (applied at once).
CONF_POLL_INTERVAL: Final = "poll_interval"
DEFAULT_POLL_INTERVAL: Final = 5

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_DEVICE_ID: Final = "device_id"

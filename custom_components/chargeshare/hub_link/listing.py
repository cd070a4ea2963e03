"""The listing published from Home Assistant: the `listing` up message, and the hub's `listing.saved` answer.

What the host sets in the hub link's options (listing_flow.py) becomes an OCPI Location: the address and
the home zone's coordinates, one EVSE per listed charger with its connector (type from the charger's
settings, current and phases from the charger), and one OCPI Tariff (a price per kWh and a session fee)
that every connector names. The hub answers with the listing's id, which every later `listing`, status
and availability message names. When the chargers change (one added or removed, its connector type changed)
the listing is published again, once they have settled: at start entries load one after another, and the hub
replaces a listing whole, so a listing published in between would retire a charger for a moment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import json
from typing import Any, Final
import uuid

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_call_later

from ..charger import Capability
from ..const import CONF_CHARGERS, CONF_CONNECTOR_TYPE, LOGGER, SIGNAL_CHARGERS_CHANGED
from ..coordinator import ChargerCoordinator
from .bookings_charger import charger_coordinators, evse_uid_of
from .link import HubLink, LinkRefusal
from .state import LinkState
from .up_messages import CONNECTOR_ID, ocpi_status

# Options of the hub link entry.
CONF_NAME: Final = "name"
CONF_ADDRESS: Final = "address"
CONF_CITY: Final = "city"
CONF_POSTAL_CODE: Final = "postal_code"
CONF_COUNTRY: Final = "country"
CONF_LATITUDE: Final = "latitude"
CONF_LONGITUDE: Final = "longitude"
CONF_LISTED: Final = "listed_chargers"  # EVSE uids; none chosen: every charger
CONF_PRICE_PER_KWH: Final = "price_per_kwh"
CONF_SESSION_FEE: Final = "session_fee"
CONF_CURRENCY: Final = "currency"
CONF_PUBLISH: Final = "publish"
CONF_HOUSE_RULES: Final = "house_rules"

VOLTAGE_V: Final = 230  # per phase, Europe's
SETTLE_S: Final = 60  # after the chargers last changed, before the listing is published again
# The integration's connector types as OCPI's standard and format.
CONNECTORS: Final = {
    "type2_socket": ("IEC_62196_T2", "SOCKET"),
    "type2_cable": ("IEC_62196_T2", "CABLE"),
    "type1_cable": ("IEC_62196_T1", "CABLE"),
    "domestic": ("DOMESTIC_F", "SOCKET"),
}


@dataclass(frozen=True, slots=True)
class ListedCharger:
    evse_uid: str
    connector_type: str
    max_current_a: float
    phases: int
    capabilities: Capability
    status: str


def tariff_id(namespace: str) -> str:
    """The host's tariff id: hub tariff ids are global, so derived from this installation; at most 36 characters."""
    return "ha-" + uuid.uuid5(uuid.NAMESPACE_URL, f"chargeshare:{namespace}:tariff").hex[:32]


def tariff_payload(options: Mapping[str, Any], tariff: str) -> dict[str, Any]:
    components: list[dict[str, Any]] = [
        {"type": "ENERGY", "price": float(options.get(CONF_PRICE_PER_KWH, 0.0)), "step_size": 1}
    ]
    if float(options.get(CONF_SESSION_FEE, 0.0)) > 0:
        components.append({"type": "FLAT", "price": float(options[CONF_SESSION_FEE]), "step_size": 1})
    return {"id": tariff, "currency": options[CONF_CURRENCY], "elements": [{"price_components": components}]}


def evse_payload(charger: ListedCharger, tariff: str) -> dict[str, Any]:
    standard, connector_format = CONNECTORS.get(charger.connector_type, CONNECTORS["type2_socket"])
    capabilities = ["RFID_READER"]
    if Capability.REMOTE_START_STOP in charger.capabilities:
        capabilities.append("REMOTE_START_STOP_CAPABLE")
    if Capability.RESERVATIONS in charger.capabilities:
        capabilities.append("RESERVABLE")
    amperage = round(charger.max_current_a)
    return {
        "uid": charger.evse_uid,
        "status": charger.status,
        "capabilities": capabilities,
        "connectors": [
            {
                "id": CONNECTOR_ID,
                "standard": standard,
                "format": connector_format,
                "power_type": "AC_3_PHASE" if charger.phases == 3 else "AC_1_PHASE",
                "max_voltage": VOLTAGE_V,
                "max_amperage": amperage,
                "max_electric_power": VOLTAGE_V * amperage * charger.phases,
                "tariff_ids": [tariff],
            }
        ],
    }


def listing_payload(
    options: Mapping[str, Any],
    chargers: list[ListedCharger],
    *,
    location_id: str | None,
    namespace: str,
    time_zone: str,
) -> dict[str, Any]:
    """The `listing` message: an OCPI Location as the hub's PUT /api/v1/listings/{id} takes it, plus `tariffs`."""
    tariff = tariff_id(namespace)
    location: dict[str, Any] = {} if location_id is None else {"id": location_id}
    location.update(
        {
            "publish": bool(options.get(CONF_PUBLISH, True)),
            "name": options[CONF_NAME],
            "address": options[CONF_ADDRESS],
            "city": options[CONF_CITY],
            "country": options[CONF_COUNTRY],
            "coordinates": {
                "latitude": f"{float(options[CONF_LATITUDE]):.6f}",
                "longitude": f"{float(options[CONF_LONGITUDE]):.6f}",
            },
            "time_zone": time_zone,
            "parking_type": "ON_DRIVEWAY",
            "evses": [evse_payload(charger, tariff) for charger in chargers],
        }
    )
    for optional in (CONF_POSTAL_CODE, CONF_HOUSE_RULES):
        if options.get(optional):
            location[optional] = options[optional]
    location["tariffs"] = [tariff_payload(options, tariff)]
    return location


def listed_chargers(hass: HomeAssistant, options: Mapping[str, Any]) -> list[ListedCharger]:
    """The chargers the host lists (all when none are chosen), as loaded now."""
    chosen = set(options.get(CONF_LISTED) or ())
    coordinators = sorted(charger_coordinators(hass), key=evse_uid_of)
    return [_listed(c) for c in coordinators if not chosen or evse_uid_of(c) in chosen]


def _listed(coordinator: ChargerCoordinator) -> ListedCharger:
    state = coordinator.charger.state
    entry_options = coordinator.config_entry.options
    charger_options = entry_options.get(CONF_CHARGERS, {}).get(coordinator.charger.charger_id, entry_options)
    return ListedCharger(
        evse_uid=evse_uid_of(coordinator),
        connector_type=str(charger_options.get(CONF_CONNECTOR_TYPE, "type2_socket")),
        max_current_a=state.max_current_a,
        phases=state.phases,
        capabilities=state.capabilities,
        status=ocpi_status(state),
    )


def _without_statuses(payload: Mapping[str, Any]) -> str:
    """What a listing says apart from its EVSEs' statuses, which the status messages keep current."""
    evses = [{key: value for key, value in evse.items() if key != "status"} for evse in payload["evses"]]
    return json.dumps({**payload, "evses": evses}, sort_keys=True)


class ListingPublisher:
    """Publishes the listing when the host saves it or the chargers change, and keeps the id the hub gives it."""

    def __init__(
        self,
        hass: HomeAssistant,
        link: HubLink,
        state: LinkState,
        namespace: str,
        *,
        on_location_known: Callable[[], None],
        options: Callable[[], Mapping[str, Any]],
    ) -> None:
        self._hass = hass
        self._link = link
        self._state = state
        self._namespace = namespace
        self._on_location_known = on_location_known
        self._options = options
        self._published: str | None = None  # the last listing sent, statuses left out
        self._settling: CALLBACK_TYPE | None = None
        link.register("listing.saved", self._async_saved)

    @callback
    def start(self) -> Callable[[], None]:
        """Follow the chargers; returns the function that stops following them."""
        unsubscribe = async_dispatcher_connect(self._hass, SIGNAL_CHARGERS_CHANGED, self._chargers_changed)

        def stop() -> None:
            unsubscribe()
            self._stop_settling()

        return stop

    async def async_publish(self, options: Mapping[str, Any]) -> str | None:
        """Send the listing in `options`; None when the host has not set one up or no charger is loaded."""
        if CONF_NAME not in options:
            return None
        payload = self._payload(options)
        if payload is None:
            LOGGER.warning("The listing is not published: no charger is loaded to list")
            return None
        self._published = _without_statuses(payload)
        return await self._link.send("listing", payload)

    def _payload(self, options: Mapping[str, Any]) -> dict[str, Any] | None:
        """The listing of the chargers loaded now; None without any."""
        chargers = listed_chargers(self._hass, options)
        if not chargers:
            return None
        return listing_payload(
            options,
            chargers,
            location_id=self._state.location_id,
            namespace=self._namespace,
            time_zone=str(self._hass.config.time_zone),
        )

    @callback
    def _chargers_changed(self) -> None:
        self._stop_settling()
        self._settling = async_call_later(self._hass, SETTLE_S, self._settled)

    async def _settled(self, _now: Any) -> None:
        self._settling = None
        options = self._options()
        payload = self._payload(options) if CONF_NAME in options else None
        if payload is not None and _without_statuses(payload) != self._published:
            LOGGER.info("The listed chargers changed: publishing the listing again")
            await self.async_publish(options)

    def _stop_settling(self) -> None:
        if self._settling is not None:
            self._settling()
            self._settling = None

    async def _async_saved(self, payload: dict[str, Any]) -> None:
        location_id, listing_url = payload.get("location_id"), payload.get("listing_url")
        if not isinstance(location_id, str) or not 0 < len(location_id) <= 36:
            raise LinkRefusal("invalid", "location_id must be a string of 1 to 36 characters", "location_id")
        if listing_url is not None and not isinstance(listing_url, str):
            raise LinkRefusal("invalid", "listing_url must be a string", "listing_url")
        known = self._state.location_id == location_id
        self._state.listing_saved(location_id, listing_url)
        await self._state.async_flush()
        if not known:
            LOGGER.info("The hub saved the listing as %s (%s)", location_id, listing_url)
            self._on_location_known()

"""The Charger contract: what every transport (OCPP, Modbus) presents to the coordinator.

A transport keeps its protocol state to itself and publishes an immutable `ChargerState` snapshot
whenever something changes; listeners are told, the coordinator reads `state`. Commands are coroutines
that raise the typed errors below, which the coordinator turns into translated Home Assistant errors.
No Home Assistant imports here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
import enum
from typing import Any, Protocol


class ChargerStatus(enum.StrEnum):
    """IEC 61851 state of the charging point, named for the user."""

    NO_VEHICLE = "no_vehicle"  # A
    CONNECTED = "connected"  # B: vehicle plugged in, not drawing current
    CHARGING = "charging"  # C
    ERROR = "error"  # E
    FAULT = "fault"  # F: charging point unavailable


class ConnectorStatus(enum.StrEnum):
    """The connector's detailed status, in OCPP 1.6's vocabulary (other transports map onto it)."""

    AVAILABLE = "available"
    PREPARING = "preparing"
    CHARGING = "charging"
    SUSPENDED_EV = "suspended_ev"
    SUSPENDED_EVSE = "suspended_evse"
    FINISHING = "finishing"
    RESERVED = "reserved"
    UNAVAILABLE = "unavailable"
    FAULTED = "faulted"


class Capability(enum.Flag):
    """What a charger can do beyond the contract's core."""

    NONE = 0
    SMART_CHARGING = enum.auto()
    REMOTE_START_STOP = enum.auto()
    AVAILABILITY = enum.auto()
    RESET = enum.auto()
    UNLOCK = enum.auto()
    CONFIGURATION = enum.auto()  # get/change vendor configuration keys
    TRIGGER_MESSAGE = enum.auto()
    AUTHORIZATION = enum.auto()  # id tags (RFID cards) are checked against our list
    CONNECTOR_STATUS = enum.auto()  # reports OCPP's detailed connector status
    PHASE_SWITCHING = enum.auto()
    MILLIAMP_RESOLUTION = enum.auto()
    RESERVATIONS = enum.auto()
    LOCAL_AUTH_LIST = enum.auto()


Phases = tuple[float | None, float | None, float | None]
NO_PHASES: Phases = (None, None, None)


@dataclass(frozen=True, slots=True)
class MeterReading:
    """The charger's meter; None where the charger does not report a value."""

    power_w: float | None = None
    current_a: Phases = NO_PHASES
    voltage_v: Phases = NO_PHASES
    energy_kwh: float | None = None  # monotonic register, safe for the Energy dashboard


@dataclass(frozen=True, slots=True)
class ChargerIdentity:
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None


@dataclass(frozen=True, slots=True)
class ChargingSession:
    """The running session, or the last one once it has ended."""

    session_id: str
    started_at: datetime
    energy_kwh: float
    id_tag: str | None = None
    ended_at: datetime | None = None
    stop_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, slots=True)
class ChargerState:
    """Everything the entities show about one charger, at one moment."""

    online: bool = False
    status: ChargerStatus | None = None
    connector_status: ConnectorStatus | None = None
    error_code: str | None = None
    available: bool | None = None  # operative, as opposed to taken out of service
    enabled: bool = True  # the host allows charging
    current_limit_a: float | None = None
    max_current_a: float = 16.0
    phases: int = 3
    meter: MeterReading = field(default_factory=MeterReading)
    session: ChargingSession | None = None
    last_id_tag: str | None = None
    last_id_tag_name: str | None = None  # the name the host gave that card
    identity: ChargerIdentity = field(default_factory=ChargerIdentity)
    capabilities: Capability = Capability.NONE


class ChargerError(Exception):
    """A command could not be carried out."""


class ChargerOffline(ChargerError):
    """The charger is not connected."""


class ChargerTimeout(ChargerError):
    """The charger did not answer in time."""


class ChargerRejected(ChargerError):
    """The charger answered and refused."""


class ChargerNotSupported(ChargerError):
    """The charger lacks the feature the command needs."""


Listener = Callable[[], None]


class Listeners:
    """Whom a charger tells that its state changed."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> Callable[[], None]:
        """Add `listener`; returns the function that removes it (harmless to call twice)."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def notify(self) -> None:
        for listener in list(self._listeners):  # a listener may remove itself
            listener()


class Charger(Protocol):
    """The interface the coordinator drives; one instance per physical charger."""

    @property
    def charger_id(self) -> str: ...

    @property
    def state(self) -> ChargerState: ...

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every state change; returns the function that removes it."""

    async def async_enable(self, enabled: bool) -> None:
        """Allow or forbid charging."""

    async def async_set_current(self, amps: float, phases: int | None = None) -> None:
        """Limit the charging current; the transport rounds to what the charger accepts."""

    def persisted(self) -> dict[str, Any]:
        """What must survive a restart (sessions, energy register, our setpoint); see `stored=`."""

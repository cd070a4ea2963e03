"""OCPP 1.6J on the wire: message routing and one small handler per action.

The handlers only translate: payloads go to a `Station` (the charger's bookkeeping) and its answers
come back as call results. Routing is ours rather than the library's so that a charger's bad frame
costs one log line and gets the CALLERROR OCPP 1.6 defines, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import functools
import inspect
import json
import logging
from typing import Any, Protocol, TypeVar

from ocpp.charge_point import camel_to_snake_case, remove_nones, serialize_as_dict, snake_to_camel_case
from ocpp.exceptions import (
    FormatViolationError,
    NotImplementedError as OcppNotImplementedError,
    NotSupportedError,
    OCPPError,
    ProtocolError,
)
from ocpp.messages import Call, CallError, MessageType, unpack
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action, AuthorizationStatus as OcppAuthorizationStatus, RegistrationStatus

from ..charger import ChargerNotSupported, ChargerOffline, ChargerRejected, ChargerTimeout
from ..metering.meter import MeterSample
from .authorization import AuthorizationStatus
from .connection import Connection, ConnectionClosed
from .measurands import parse_meter_values
from .validation import Validators

_LOGGER = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_S = 300
PENDING_RETRY_S = 30
RESPONSE_TIMEOUT_S = 15
# OCPP 1.6J spells two error codes differently from the ocpp library, which follows 2.0.1.
_ERROR_CODES_16 = {
    "FormatViolation": "FormationViolation",
    "OccurrenceConstraintViolation": "OccurenceConstraintViolation",
}
_ACTIONS_16 = frozenset(action.value for action in Action)

_T = TypeVar("_T")


class _MessageTrace(logging.LoggerAdapter):  # type: ignore[type-arg]  # generic only in typeshed
    """The ocpp library logs every frame at INFO; that is a trace, so it goes to DEBUG."""

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        self.debug(msg, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class BootInfo:
    vendor: str
    model: str
    serial: str | None = None
    firmware: str | None = None


class Station(Protocol):
    """What a charge point's messages change; implemented by the charger's bookkeeping."""

    def on_boot(self, boot: BootInfo) -> bool:
        """Return True to accept the charge point, False to keep it pending."""

    def after_boot(self) -> None:
        """The charge point has its acceptance: now we may send it requests."""

    def on_heartbeat(self) -> None: ...

    def on_status(self, connector_id: int, status: str, error_code: str, info: str | None) -> None: ...

    def on_meter_values(self, connector_id: int, transaction_id: int | None, sample: MeterSample) -> None: ...

    def on_authorize(self, id_tag: str) -> AuthorizationStatus: ...

    def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start_wh: int, timestamp: str
    ) -> tuple[int, AuthorizationStatus]: ...

    def on_stop_transaction(
        self, transaction_id: int, meter_stop_wh: int, timestamp: str, reason: str, sample: MeterSample
    ) -> None: ...

    def on_firmware_status(self, status: str) -> None: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _id_tag_info(status: AuthorizationStatus) -> dict[str, str]:
    return {"status": OcppAuthorizationStatus(status.value)}


class ChargePoint16(ChargePoint):
    """One connected OCPP 1.6J charge point."""

    def __init__(
        self, charge_point_id: str, connection: Connection, station: Station, *, validate: bool = True
    ) -> None:
        super().__init__(
            charge_point_id,
            connection,
            response_timeout=RESPONSE_TIMEOUT_S,
            logger=_MessageTrace(_LOGGER.getChild("messages")),
        )
        self._station = station
        self._validate = validate
        self._booted = False

    async def request(self, payload: Any) -> Any:
        """Send a CALL and return its result; transport and protocol failures become ChargerErrors."""
        action = type(payload).__name__
        try:
            return await self.call(payload, suppress=False, skip_schema_validation=not self._validate)
        except ConnectionClosed as err:
            raise ChargerOffline(f"{self.id} is not connected") from err
        except TimeoutError as err:
            raise ChargerTimeout(f"{self.id} did not answer {action} within {RESPONSE_TIMEOUT_S} s") from err
        except (OcppNotImplementedError, NotSupportedError) as err:
            raise ChargerNotSupported(f"{self.id} does not support {action}") from err
        except OCPPError as err:
            raise ChargerRejected(f"{self.id} answered {action} with {err.code}: {err.description}") from err

    # -------------------------------------------------------------- routing

    async def route_message(self, raw_msg: str) -> None:
        try:
            message = unpack(raw_msg)
        except OCPPError as err:
            await self._reject_unparsable(raw_msg, err)
            return
        if message.message_type_id != MessageType.Call:
            self._response_queue.put_nowait(message)
            return
        try:
            await self._dispatch(message)
        except OCPPError as err:
            _LOGGER.warning(
                "%s: refused %s with %s: %s",
                self.id,
                message.action,
                _ERROR_CODES_16.get(err.code, err.code),
                _cause(err),
            )
            await self._send(_call_error(message.unique_id, err))

    async def _dispatch(self, message: Call) -> None:
        handler = self._handler(message.action)
        if not isinstance(message.payload, dict):
            raise FormatViolationError(details={"cause": "the payload is not a JSON object"})
        if self._validate:
            _VALIDATORS.validate_request(message.action, message.payload)
        kwargs = _snake_case(message.payload)
        try:
            _signature(type(self), message.action, handler).bind(**kwargs)
        except TypeError as err:  # only reachable with validation off: the schema would have said it
            raise ProtocolError(details={"cause": str(err)}) from err
        result = handler(**kwargs)
        payload = snake_to_camel_case(remove_nones(serialize_as_dict(result)))
        if self._validate:
            _VALIDATORS.validate_response(message.action, payload)
        await self._send(message.create_call_result(payload).to_json())
        if self._booted and message.action == Action.boot_notification:
            self._station.after_boot()

    def _handler(self, action: str) -> Any:
        handlers = self.route_map.get(action)
        if handlers is None or "_on_action" not in handlers:
            if action in _ACTIONS_16:
                raise OcppNotImplementedError(details={"cause": f"{action} is not handled"})
            raise NotSupportedError(details={"cause": f"{action} is not an OCPP 1.6 action"})
        return handlers["_on_action"]

    async def _reject_unparsable(self, raw_msg: str, err: OCPPError) -> None:
        """Answer a frame we cannot route if it names a message id; drop it otherwise."""
        _LOGGER.warning("%s: dropped a malformed frame (%s): %.120s", self.id, _cause(err), raw_msg)
        try:
            frame = json.loads(raw_msg)
        except ValueError:
            return
        if isinstance(frame, list) and len(frame) >= 2 and frame[0] == MessageType.Call and isinstance(frame[1], str):
            await self._send(_call_error(frame[1], err))

    # -------------------------------------------------------------- handlers

    @on(Action.boot_notification)
    def _on_boot_notification(self, charge_point_vendor: str, charge_point_model: str, **details: Any) -> Any:
        boot = BootInfo(
            vendor=charge_point_vendor,
            model=charge_point_model,
            serial=details.get("charge_point_serial_number") or details.get("charge_box_serial_number"),
            firmware=details.get("firmware_version"),
        )
        accepted = self._booted = self._station.on_boot(boot)
        return call_result.BootNotification(
            current_time=_now(),
            interval=HEARTBEAT_INTERVAL_S if accepted else PENDING_RETRY_S,
            status=RegistrationStatus.accepted if accepted else RegistrationStatus.pending,
        )

    @on(Action.heartbeat)
    def _on_heartbeat(self) -> Any:
        self._station.on_heartbeat()
        return call_result.Heartbeat(current_time=_now())

    @on(Action.status_notification)
    def _on_status_notification(
        self, connector_id: int, error_code: str, status: str, info: str | None = None, **_: Any
    ) -> Any:
        self._station.on_status(connector_id, status, error_code, info)
        return call_result.StatusNotification()

    @on(Action.meter_values)
    def _on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], transaction_id: int | None = None
    ) -> Any:
        self._station.on_meter_values(connector_id, transaction_id, parse_meter_values(meter_value))
        return call_result.MeterValues()

    @on(Action.authorize)
    def _on_authorize(self, id_tag: str) -> Any:
        return call_result.Authorize(id_tag_info=_id_tag_info(self._station.on_authorize(id_tag)))

    @on(Action.start_transaction)
    def _on_start_transaction(self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **_: Any) -> Any:
        transaction_id, status = self._station.on_start_transaction(connector_id, id_tag, meter_start, timestamp)
        return call_result.StartTransaction(transaction_id=transaction_id, id_tag_info=_id_tag_info(status))

    @on(Action.stop_transaction)
    def _on_stop_transaction(
        self,
        *,
        meter_stop: int,
        timestamp: str,
        transaction_id: int,
        reason: str = "Local",
        id_tag: str | None = None,
        transaction_data: list[dict[str, Any]] | None = None,
    ) -> Any:
        sample = parse_meter_values(transaction_data or [])
        self._station.on_stop_transaction(transaction_id, meter_stop, timestamp, reason, sample)
        # The card that ends a session is always allowed to: refusing it would leave the car locked in.
        info = _id_tag_info(AuthorizationStatus.ACCEPTED) if id_tag else None
        return call_result.StopTransaction(id_tag_info=info)

    @on(Action.firmware_status_notification)
    def _on_firmware_status_notification(self, status: str) -> Any:
        self._station.on_firmware_status(status)
        return call_result.FirmwareStatusNotification()

    @on(Action.diagnostics_status_notification)
    def _on_diagnostics_status_notification(self, status: str) -> Any:
        return call_result.DiagnosticsStatusNotification()

    @on(Action.data_transfer)
    def _on_data_transfer(self, vendor_id: str, **_: Any) -> Any:
        return call_result.DataTransfer(status="UnknownVendorId")


_VALIDATORS = Validators(
    handler._on_action for handler in vars(ChargePoint16).values() if hasattr(handler, "_on_action")
)
_SIGNATURES: dict[tuple[type, str], inspect.Signature] = {}


@functools.lru_cache(maxsize=1024)  # bounded: the keys come from the charge point
def _snake_key(key: str) -> str:
    """The ocpp library's own key conversion (two regular expressions), done once per distinct key."""
    return next(iter(camel_to_snake_case({key: None})))


def _snake_case(data: Any) -> Any:
    if isinstance(data, dict):
        return {_snake_key(key): _snake_case(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_snake_case(value) for value in data]
    return data


def _signature(cls: type, action: str, handler: Any) -> inspect.Signature:
    """The handler's signature, cached per class: every instance's bound method has the same one."""
    signature = _SIGNATURES.get((cls, action))
    if signature is None:
        signature = _SIGNATURES[(cls, action)] = inspect.signature(handler)
    return signature


def _cause(err: OCPPError) -> str:
    details = err.details if isinstance(err.details, dict) else {}
    return str(details.get("cause") or err.description)


def _call_error(unique_id: str, err: OCPPError) -> str:
    code = _ERROR_CODES_16.get(err.code, err.code)
    return CallError(unique_id, code, err.description, {"cause": _cause(err)}).to_json()

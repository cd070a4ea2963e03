"""Test a Modbus charger before it is set up: can we reach it, is the unit id right, does the profile fit?

Used by the config flow, so every failure has its own reason a user can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
import enum
import re

from ..charger import ChargerError, ChargerOffline, ChargerTimeout
from .charger_registers import ChargerRegisters
from .link import TIMEOUT_S, ModbusDeviceError, ModbusLink
from .profile import Profile
from .registers import Register, Value
from .status import decode_status

# Exception codes a gateway or charger gives for a unit id it does not serve.
_NO_SUCH_UNIT = (4, 10, 11)
_NO_SUCH_REGISTER = (1, 2, 3)


class ProbeFailure(enum.StrEnum):
    REFUSED = "connection_refused"
    TIMEOUT = "timeout"
    UNREACHABLE = "cannot_connect"
    WRONG_UNIT_ID = "wrong_unit_id"
    WRONG_PROFILE = "wrong_profile"
    NOT_DETECTED = "not_detected"


class ProbeError(Exception):
    def __init__(self, failure: ProbeFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure


async def probe(host: str, port: int, unit_id: int, profile: Profile, *, timeout_s: float = TIMEOUT_S) -> None:
    """Read the charger's status as `profile` describes it; ProbeError says why that did not work."""
    link = _link(host, port, profile, timeout_s)
    try:
        await _connect(link)
        await _read_status(link, unit_id, profile)
    finally:
        link.close()


async def detect(
    host: str, port: int, unit_id: int | None, profiles: Iterable[Profile], *, timeout_s: float = TIMEOUT_S
) -> Profile:
    """The first profile whose identification register matches, and whose status can be read.

    Without a unit id each profile is tried on its own default one.
    """
    for profile in profiles:
        if profile.detect is None or profile.detect_pattern is None:
            continue
        unit = profile.unit_id if unit_id is None else unit_id
        link = _link(host, port, profile, timeout_s)
        try:
            await _connect(link)
            value = await _read(link, profile.detect, unit, profile)
            if re.search(profile.detect_pattern, str(value)):
                await _read_status(link, unit, profile)
                return profile
        except ProbeError as err:
            if err.failure in (ProbeFailure.REFUSED, ProbeFailure.TIMEOUT, ProbeFailure.UNREACHABLE):
                raise
        finally:
            link.close()
    raise ProbeError(ProbeFailure.NOT_DETECTED, f"{host}:{port}: no profile recognises this charger")


def _link(host: str, port: int, profile: Profile, timeout_s: float) -> ModbusLink:
    return ModbusLink(host, port, framer=profile.framer, request_gap_s=profile.request_gap_s, timeout_s=timeout_s)


async def _connect(link: ModbusLink) -> None:
    try:
        await link.connect()
    except ChargerOffline as err:
        detail = str(err)
        if "refused" in detail:
            raise ProbeError(ProbeFailure.REFUSED, detail) from err
        if "timeout" in detail:
            raise ProbeError(ProbeFailure.TIMEOUT, detail) from err
        raise ProbeError(ProbeFailure.UNREACHABLE, detail) from err


async def _read_status(link: ModbusLink, unit_id: int, profile: Profile) -> None:
    values = {
        name: await _read(link, register, unit_id, profile) for name, register in profile.status.registers.items()
    }
    if decode_status(profile.status, values) is None:
        raise ProbeError(ProbeFailure.WRONG_PROFILE, f"the status reads {values}, which {profile.name} does not use")


async def _read(link: ModbusLink, register: Register, unit_id: int, profile: Profile) -> Value:
    try:
        return await ChargerRegisters(link, profile, unit_id).value(register)
    except ModbusDeviceError as err:
        if err.code in _NO_SUCH_UNIT:
            raise ProbeError(ProbeFailure.WRONG_UNIT_ID, str(err)) from err
        if err.code in _NO_SUCH_REGISTER:
            raise ProbeError(ProbeFailure.WRONG_PROFILE, str(err)) from err
        raise ProbeError(ProbeFailure.UNREACHABLE, str(err)) from err
    except ChargerTimeout as err:  # a gateway stays silent for a unit id nobody answers
        raise ProbeError(ProbeFailure.WRONG_UNIT_ID, str(err)) from err
    except ChargerError as err:
        raise ProbeError(ProbeFailure.UNREACHABLE, str(err)) from err

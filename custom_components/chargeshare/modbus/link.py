"""One Modbus TCP connection to a charger: one request at a time, raw words in and out, typed errors.

pymodbus returns a Modbus exception reply instead of raising it, and raises its own exceptions for a lost
connection or a missing answer; here all of them become the Charger contract's errors. It also turns the
cancellation of a waiting request into an I/O error, which would keep a cancelled poll loop alive: that one
is turned back into a cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
import time
from typing import Any, Literal

from pymodbus import FramerType
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from ..charger import ChargerOffline, ChargerRejected, ChargerTimeout
from .registers import Register, Table

TIMEOUT_S = 3.0
_EXCEPTION_NAMES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    5: "acknowledge",
    6: "device busy",
    10: "gateway path unavailable",
    11: "gateway target did not respond",
}


class ModbusDeviceError(ChargerRejected):
    """The charger answered with a Modbus exception."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class ModbusLink:
    """A connection that reconnects only when asked to: the charger driver decides when to retry."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        framer: Literal["socket", "rtu"] = "socket",
        request_gap_s: float = 0.0,
        timeout_s: float = TIMEOUT_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host, self.port = host, port
        self._client = AsyncModbusTcpClient(
            host, port=port, framer=FramerType(framer), timeout=timeout_s, retries=0, reconnect_delay=0
        )
        self._timeout_s = timeout_s
        self._request_gap_s = request_gap_s
        self._monotonic = monotonic
        self._last_request_end = -float("inf")
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return bool(self._client.connected)

    async def connect(self) -> None:
        """Open the connection; ChargerOffline says whether it was refused, timed out or unreachable."""
        if await self._client.connect():
            return
        raise ChargerOffline(f"{self.host}:{self.port}: {await self._why_not_connected()}")

    def close(self) -> None:
        self._client.close()

    async def read(self, register: Register, unit_id: int) -> list[int]:
        """The raw words (coils: 0 or 1) of `register`, from every address it spans."""
        words: list[int] = []
        for address in register.starts:
            read = partial(self._read_one, register.table, address, register.length, unit_id)
            words += await self._request(f"read {register.table} {address}", read)
        return words

    async def write(self, register: Register, words: Sequence[int], unit_id: int, function_code: int) -> None:
        client, address = self._client, register.address
        send: Callable[[], Awaitable[Any]]
        if function_code == 5:
            send = partial(client.write_coil, address, bool(words[0]), device_id=unit_id)
        elif function_code == 6:
            send = partial(client.write_register, address, words[0], device_id=unit_id)
        else:
            send = partial(client.write_registers, address, list(words), device_id=unit_id)
        await self._request(f"write {register.table} {address}", send)

    async def _read_one(self, table: Table, address: int, count: int, unit_id: int) -> Any:
        if table is Table.COIL:
            return await self._client.read_coils(address, count=count, device_id=unit_id)
        if table is Table.INPUT:
            return await self._client.read_input_registers(address, count=count, device_id=unit_id)
        return await self._client.read_holding_registers(address, count=count, device_id=unit_id)

    async def _request(self, what: str, send: Callable[[], Awaitable[Any]]) -> list[int]:
        """Send one request once the line is ours (sent only then: a cancelled wait leaves nothing unsent)."""
        async with self._lock:
            gap = self._last_request_end + self._request_gap_s - self._monotonic()
            if gap > 0:  # RS485 gateways need a pause between requests
                await asyncio.sleep(gap)
            try:
                response = await send()
            except ConnectionException as err:
                raise ChargerOffline(f"{self.host}:{self.port}: not connected") from err
            except (ModbusIOException, TimeoutError) as err:
                if isinstance(err.__cause__, asyncio.CancelledError):
                    raise err.__cause__ from None
                raise ChargerTimeout(f"{self.host}:{self.port}: no answer to {what}") from err
            except ModbusException as err:
                raise ChargerRejected(f"{self.host}:{self.port}: {what}: {err}") from err
            finally:
                self._last_request_end = self._monotonic()
        if response.isError():
            code = int(getattr(response, "exception_code", 0))
            name = _EXCEPTION_NAMES.get(code, "unknown exception")
            raise ModbusDeviceError(f"{self.host}:{self.port}: {what}: {name} ({code})", code)
        if hasattr(response, "bits") and response.bits:
            return [int(bit) for bit in response.bits]
        return list(getattr(response, "registers", []))

    async def _why_not_connected(self) -> str:
        try:
            async with asyncio.timeout(self._timeout_s):
                _, writer = await asyncio.open_connection(self.host, self.port)
        except ConnectionRefusedError:
            return "connection refused"
        except TimeoutError:
            return "no answer (timeout)"
        except OSError as err:
            return err.strerror or str(err)
        writer.close()
        return "the connection was closed at once"

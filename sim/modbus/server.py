"""The simulated charger's registers on Modbus TCP: pymodbus devices, and the action hook that answers requests.

The server knows registers only as cells (a register in one role, from `register_map.py`): every read renders
the cells' values over what was written before, every write is checked against the cells and applied through
them, and reads of watched registers report themselves (a `read` watchdog). pymodbus keeps a device per unit
id with a block per run of addresses; its action hook passes every request here before pymodbus answers it.
On request the server misbehaves: it answers with a Modbus exception, or not at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pymodbus import FramerType
from pymodbus.constants import ExcCodes
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType as SimType, SimAction, SimData, SimDevice

from custom_components.chargeshare.modbus.registers import Register, Table, Value, WordOrder, decode
from sim.modbus.address_space import is_field, overlaps, place_values, runs, spans

HOLD_S = 3600.0  # a request held by stop_answering() waits this long: far beyond any client timeout

_TABLE_OF_FUNCTION = {
    1: Table.COIL,
    5: Table.COIL,
    15: Table.COIL,
    3: Table.HOLDING,
    6: Table.HOLDING,
    16: Table.HOLDING,
    4: Table.INPUT,
}
_READ_FUNCTIONS = (1, 3, 4)
Place = tuple[int, Table]  # unit id, table: one address space


@dataclass(frozen=True, slots=True)
class ReceivedWrite:
    """A write the charger accepted (coils as 0/1)."""

    unit_id: int
    function_code: int
    address: int
    values: tuple[int, ...]


def accept(_value: Value) -> ExcCodes | None:
    return None


@dataclass(frozen=True, slots=True)
class Cell:
    """A register of the profile in one role: what the state shows there, and what a write there does."""

    unit_id: int
    register: Register
    render: Callable[[], Sequence[Value]] | None = None  # raw values, one per value of the register
    apply: Callable[[Value], None] | None = None  # None: read-only
    check: Callable[[Value], ExcCodes | None] = accept  # why a written value is refused, before anything changes
    write_fc: int | None = None

    @property
    def place(self) -> Place:
        return self.unit_id, self.register.table


class RegisterServer:
    """Serves cells on Modbus TCP, records the writes it accepted, and misbehaves when told to."""

    def __init__(
        self,
        cells: Iterable[Cell],
        *,
        watched: Sequence[Cell],
        on_watched_read: Callable[[], None],
        word_order: WordOrder,
    ) -> None:
        """`watched`: cells whose reads call `on_watched_read` (once per request)."""
        self._word_order = word_order
        self._writes: list[ReceivedWrite] = []
        self._stored: dict[Place, dict[int, int]] = {}  # what was written; rendered registers show the state over it
        self._cells = _by_place(cells)
        self._addresses = {place: _addresses(space) for place, space in self._cells.items()}
        self._watched = list(watched)
        self._on_watched_read = on_watched_read
        self._server: ModbusTcpServer | None = None
        self._exception: ExcCodes | None = None
        self._exceptions_left: int | None = None
        self._silent = False
        self._held: set[asyncio.Task[object]] = set()

    # Lifecycle

    @property
    def serving(self) -> bool:
        return self._server is not None

    async def serve(self, framer: FramerType, host: str, port: int) -> int:
        """Listen on `host`:`port` (0: a free port); the port it listens on."""
        if self._server is not None:
            raise RuntimeError("the simulated charger is already running")
        server = ModbusTcpServer(self._devices(), framer=framer, address=(host, port))
        await server.serve_forever(background=True)
        self._server = server
        assert isinstance(server.transport, asyncio.Server)
        return server.transport.sockets[0].getsockname()[1]

    async def shutdown(self) -> None:
        """Close the port and every connection (held requests go unanswered)."""
        assert self._server is not None
        self._drop_held_requests()
        await self._server.shutdown()  # type: ignore[no-untyped-call]  # pymodbus leaves it unannotated
        self._server = None

    # Misbehaving on purpose

    def answer_with_exception(self, code: int, requests: int | None = None) -> None:
        self._exception = ExcCodes(code)
        self._exceptions_left = requests

    def stop_answering(self) -> None:
        self._silent = True

    def answer_normally(self) -> None:
        self._exception, self._exceptions_left, self._silent = None, None, False
        self._drop_held_requests()

    @property
    def writes(self) -> list[ReceivedWrite]:
        return list(self._writes)

    # pymodbus devices and the action hook

    def _devices(self) -> list[SimDevice]:
        """One device per unit id, with separate holding, input and coil spaces, plus one for unknown units."""
        units = sorted({unit_id for unit_id, _table in self._addresses})
        devices = [SimDevice(unit_id, self._blocks(unit_id), action=self._action(unit_id)) for unit_id in units]
        if 0 not in units:
            # pymodbus sends every other unit id to unit 0; it covers every address so that its action always answers.
            everywhere = [SimData(0, count=65536, datatype=SimType.INVALID)]
            devices.append(SimDevice(0, everywhere, action=self._action(None)))
        return devices

    def _blocks(self, unit_id: int) -> tuple[list[SimData], list[SimData], list[SimData], list[SimData]]:
        def block(table: Table | None) -> list[SimData]:
            grouped = runs(self._addresses.get((unit_id, table), set())) if table is not None else []
            bits = table in (Table.COIL, None)
            if not grouped:  # pymodbus needs every space to hold something; the action refuses it all the same
                return [SimData(0, values=[False] * 16, datatype=SimType.BITS) if bits else SimData(0)]
            if bits:
                return [SimData(run.start, values=[False] * len(run), datatype=SimType.BITS) for run in grouped]
            return [SimData(run.start, count=len(run), datatype=SimType.REGISTERS) for run in grouped]

        return block(Table.COIL), block(None), block(Table.HOLDING), block(Table.INPUT)

    def _action(self, unit_id: int | None) -> SimAction:
        async def action(  # noqa: PLR0917  # pymodbus passes them positionally
            function_code: int,
            start_address: int,
            address: int,
            count: int,
            registers: list[int],
            values: list[int] | list[bool] | None,
        ) -> ExcCodes | None:
            return await self._answer(
                unit_id,
                function_code,
                start_address=start_address,
                address=address,
                count=count,
                registers=registers,
                values=values,
            )

        return action

    async def _answer(
        self,
        unit_id: int | None,
        function_code: int,
        *,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        """Every request passes here before pymodbus answers it from `registers` (or stores `values`)."""
        if self._silent:
            await self._hold()
        if self._exception is not None:
            return self._injected_exception()
        if unit_id is None:
            return ExcCodes.GATEWAY_NO_RESPONSE
        table = _TABLE_OF_FUNCTION.get(function_code)
        if table is None:
            return ExcCodes.ILLEGAL_FUNCTION
        place = (unit_id, table)
        if values is not None:
            return self._write(place, function_code, address, [int(value) for value in values])
        if function_code in _READ_FUNCTIONS:
            return self._read(place, start_address, address, count, registers)
        return None  # pymodbus reads a written register back to answer the write: it shows what was written

    async def _hold(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._held.add(task)
        try:
            await asyncio.sleep(HOLD_S)
        finally:
            self._held.discard(task)

    def _drop_held_requests(self) -> None:
        for task in self._held:
            task.cancel()  # a cancelled request is never answered
        self._held.clear()

    def _injected_exception(self) -> ExcCodes:
        code = self._exception
        assert code is not None
        if self._exceptions_left is not None:
            self._exceptions_left -= 1
            if self._exceptions_left <= 0:
                self._exception, self._exceptions_left = None, None
        return code

    # Reads and writes

    def _read(
        self, place: Place, start_address: int, address: int, count: int, registers: list[int]
    ) -> ExcCodes | None:
        # For coils pymodbus passes the count of 16-bit words, not of coils: only the first coil is checked.
        wanted = range(address, address + (1 if place[1] is Table.COIL else count))
        if not set(wanted) <= self._addresses.get(place, set()):
            return ExcCodes.ILLEGAL_ADDRESS
        if any(cell.place == place and overlaps(cell.register, wanted) for cell in self._watched):
            self._on_watched_read()
        words = self._words(place)
        if place[1] is Table.COIL:
            for coil, bit in words.items():  # pymodbus keeps coils packed 16 to a word, lowest address first
                index, mask = coil // 16 - start_address, 1 << coil % 16
                registers[index] = registers[index] | mask if bit else registers[index] & ~mask
        else:
            for register_address, word in words.items():
                registers[register_address - start_address] = word
        return None

    def _words(self, place: Place) -> dict[int, int]:
        """What every address of one space shows now (coils: 0/1)."""
        words = dict(self._stored.get(place, {}))
        for cell in self._cells.get(place, []):
            if cell.render is not None:
                place_values(cell.register, cell.render(), self._word_order, words)
        return words

    def _write(self, place: Place, function_code: int, address: int, words: list[int]) -> ExcCodes | None:
        written = range(address, address + len(words))
        cells = [cell for cell in self._cells.get(place, []) if cell.apply and overlaps(cell.register, written)]
        writable = {each for cell in cells for span in spans(cell.register) for each in span}
        if not cells or not set(written) <= writable:
            return ExcCodes.ILLEGAL_ADDRESS
        values = []
        for cell in cells:
            span = spans(cell.register)[0]
            if not (span.start >= written.start and span.stop <= written.stop):
                return ExcCodes.ILLEGAL_ADDRESS  # a multi-register value must be written in one request
            if cell.write_fc is not None and function_code != cell.write_fc:
                return ExcCodes.ILLEGAL_FUNCTION
            value = decode(cell.register, words[span.start - address : span.stop - address], self._word_order)[0]
            if (refusal := cell.check(value)) is not None:
                return refusal
            values.append(value)
        for cell, value in zip(cells, values, strict=True):
            assert cell.apply is not None
            cell.apply(value)
        self._stored.setdefault(place, {}).update(zip(written, words, strict=True))
        self._writes.append(ReceivedWrite(place[0], function_code, address, tuple(words)))
        return None


def _by_place(cells: Iterable[Cell]) -> dict[Place, list[Cell]]:
    """The cells of each address space, whole registers before the fields OR'd into them."""
    spaces: dict[Place, list[Cell]] = {}
    for cell in sorted(cells, key=lambda cell: is_field(cell.register)):
        spaces.setdefault(cell.place, []).append(cell)
    return spaces


def _addresses(cells: Iterable[Cell]) -> set[int]:
    return {address for cell in cells for span in spans(cell.register) for address in span}

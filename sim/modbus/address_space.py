"""The profile codec (`registers.encode`/`decode`) applied to a whole address space of the simulated charger.

An address space is one unit id's coils, holding or input registers, kept as address -> word (coils: 0/1).
Here are where each value of a register sits, how values are put into and read out of such a space, the
runs of consecutive addresses pymodbus wants as blocks, and the raw values an integer register can hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from custom_components.chargeshare.modbus.registers import DataType, Register, Table, Value, WordOrder, decode, encode

FLOATS = (DataType.FLOAT32, DataType.FLOAT64)


def spans(register: Register) -> list[range]:
    """The addresses of each value of `register`."""
    if register.table is Table.COIL:
        width = 1
    elif register.type is DataType.STRING:
        width = register.count
    else:
        width = register.type.width
    starts = register.addresses or [register.address + index * width for index in range(register.values)]
    return [range(start, start + width) for start in starts]


def overlaps(register: Register, addresses: range) -> bool:
    return any(span.start < addresses.stop and addresses.start < span.stop for span in spans(register))


def is_field(register: Register) -> bool:
    """A byte or bit field shares its word with other fields, so it is OR'd in rather than written over."""
    return register.byte is not None or register.shift != 0 or register.mask is not None


def place_values(register: Register, values: Sequence[Value], word_order: WordOrder, words: dict[int, int]) -> None:
    """Put `values` (raw, one per value of `register`) into `words` (address -> word)."""
    for span, value in zip(spans(register), values, strict=False):
        encoded = [int(bool(value))] if register.table is Table.COIL else encode(register, value, word_order)
        for address, word in zip(span, encoded, strict=True):
            words[address] = words.get(address, 0) | word if is_field(register) else word


def take_values(register: Register, words: Mapping[int, int], word_order: WordOrder) -> list[Value]:
    """Read `register`'s values out of `words`."""
    return decode(register, [words.get(address, 0) for span in spans(register) for address in span], word_order)


def runs(addresses: Iterable[int]) -> list[range]:
    """Consecutive addresses grouped: one pymodbus block each."""
    grouped: list[range] = []
    for address in sorted(addresses):
        if grouped and grouped[-1].stop == address:
            grouped[-1] = range(grouped[-1].start, address + 1)
        else:
            grouped.append(range(address, address + 1))
    return grouped


def int_range(register: Register) -> tuple[int, int]:
    """The raw values an integer register (or field of one) can hold."""
    bits = 16 * register.type.width
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if register.type.value.startswith("int") else (0, 2**bits - 1)
    if register.byte is not None:
        high = min(high, 0xFF)
    high >>= register.shift
    if register.mask is not None:
        high = min(high, register.mask)
    return low, high


def raw(register: Register, physical: float, factor: float) -> Value:
    """The raw value that means `physical`, which the register holds as raw x `factor`."""
    value = physical / factor
    if register.type in FLOATS:
        return value
    low, high = int_range(register)
    return min(max(round(value), low), high)

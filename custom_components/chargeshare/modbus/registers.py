"""Modbus registers as profiles describe them, and how their raw words become values and back.

Addresses are 0-based PDU addresses, as register maps and pymodbus use them. Byte order within a
register is big-endian; the word order of multi-register values is per profile (Phoenix: low word first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import enum
from typing import Literal

from pymodbus.client import ModbusBaseClient

_DT = ModbusBaseClient.DATATYPE

WordOrder = Literal["big", "little"]


class Table(enum.StrEnum):
    """Where a register lives, which decides the function code that reads it."""

    HOLDING = "holding"  # FC3 read, FC6/FC16 write
    INPUT = "input"  # FC4 read
    COIL = "coil"  # FC1 read, FC5 write


class DataType(enum.StrEnum):
    INT16 = "int16"
    UINT16 = "uint16"
    INT32 = "int32"
    UINT32 = "uint32"
    INT64 = "int64"
    UINT64 = "uint64"
    FLOAT32 = "float32"
    FLOAT64 = "float64"
    STRING = "string"

    @property
    def width(self) -> int:
        """Registers per value (a string's width is its register count)."""
        return {"16": 1, "32": 2, "64": 4}.get(self.value[-2:], 1)


Value = int | float | str


@dataclass(frozen=True, slots=True)
class Register:
    """One value (or `count` consecutive values, or one value per address) of a charger."""

    table: Table
    address: int
    type: DataType = DataType.UINT16
    count: int = 1  # consecutive values; for a string, its length in registers
    addresses: tuple[int, ...] = ()  # one value at each address instead (non-contiguous phases)
    unit_id: int | None = None  # another unit than the charger's (e.g. Alfen's station on 200)
    word_order: WordOrder | None = None  # the profile's by default
    string_encoding: str = "utf-8"  # "utf-16-be" where each register holds one character
    byte: Literal["high", "low"] | None = None  # one byte of a 16-bit register, e.g. a status letter
    shift: int = 0  # then shift right and mask: a field of an integer
    mask: int | None = None

    @property
    def starts(self) -> tuple[int, ...]:
        """The address of every read this register needs."""
        return self.addresses or (self.address,)

    @property
    def length(self) -> int:
        """Registers per read (coils: bits)."""
        if self.type is DataType.STRING or self.table is Table.COIL:
            return self.count
        return self.type.width * (1 if self.addresses else self.count)

    @property
    def values(self) -> int:
        return len(self.addresses) if self.addresses else (1 if self.type is DataType.STRING else self.count)


def decode(register: Register, words: Sequence[int], word_order: WordOrder) -> list[Value]:
    """The values in the raw words read for `register` (all reads concatenated)."""
    if register.table is Table.COIL:
        return [int(bool(bit)) for bit in words[: register.count]]
    if register.type is DataType.STRING:
        text = ModbusBaseClient.convert_from_registers(
            list(words), _DT.STRING, string_encoding=register.string_encoding
        )
        return [str(text).replace("\x00", "").strip()]
    order = register.word_order or word_order
    raw = ModbusBaseClient.convert_from_registers(list(words), _DT[register.type.name], word_order=order)
    values = raw if isinstance(raw, list) else [raw]
    return [_field(register, value) for value in values]


def encode(register: Register, value: Value, word_order: WordOrder) -> list[int]:
    """The words that write `value` (one value) to `register`."""
    if register.type is DataType.STRING:
        words = ModbusBaseClient.convert_to_registers(str(value), _DT.STRING, string_encoding=register.string_encoding)
        return (words + [0] * register.count)[: register.count]
    if register.type in (DataType.FLOAT32, DataType.FLOAT64):
        number: int | float = float(value)
    else:
        number = int(value) << register.shift
        if register.byte == "high":
            number <<= 8
    order = register.word_order or word_order
    return ModbusBaseClient.convert_to_registers(number, _DT[register.type.name], word_order=order)


def _field(register: Register, value: int | float | str | bool) -> Value:
    if isinstance(value, float | str):
        return value
    number = int(value)
    if register.byte == "high":
        number = (number >> 8) & 0xFF
    elif register.byte == "low":
        number &= 0xFF
    number >>= register.shift
    return number & register.mask if register.mask is not None else number

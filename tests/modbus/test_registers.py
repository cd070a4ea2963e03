"""Raw words become values and back, in the profile's word order, encoding and bit fields."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.modbus.registers import DataType, Register, Table, decode, encode


def holding(**fields: object) -> Register:
    return Register(table=Table.HOLDING, address=0, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("register", "value"),
    [
        (holding(type=DataType.FLOAT32), 16.0),
        (holding(type=DataType.FLOAT64), 1234567.5),
        (holding(type=DataType.UINT32), 70000),
        (holding(type=DataType.INT16), -5),
        (holding(type=DataType.UINT64), 2**40),
        (holding(type=DataType.STRING, count=5), "C2"),
        (holding(type=DataType.STRING, count=4, string_encoding="utf-16-be"), "3.15"),
    ],
)
@pytest.mark.parametrize("word_order", ["big", "little"])
def test_values_survive_encoding_and_decoding(register: Register, value: object, word_order: str) -> None:
    assert decode(register, encode(register, value, word_order), word_order) == [value]  # type: ignore[arg-type]


def test_low_word_first_is_what_phoenix_sends() -> None:
    register = holding(type=DataType.UINT32)
    assert decode(register, [0x0001, 0x0000], "little") == [1]
    assert decode(register, [0x0001, 0x0000], "big") == [65536]
    assert decode(holding(type=DataType.UINT32, word_order="little"), [0x0001, 0x0000], "big") == [1]


def test_consecutive_values_decode_together() -> None:
    register = holding(type=DataType.FLOAT32, count=3)
    words = [0x4180, 0, 0x4180, 0, 0x4100, 0]
    assert decode(register, words, "big") == [16.0, 16.0, 8.0]
    assert register.length == 6


def test_one_value_per_address() -> None:
    register = Register(table=Table.INPUT, address=1008, addresses=(1008, 1010, 1012))
    assert register.starts == (1008, 1010, 1012)
    assert register.length == 1
    assert decode(register, [16000, 15000, 0], "big") == [16000, 15000, 0]


def test_a_byte_of_a_register_holds_a_letter() -> None:
    assert decode(holding(byte="low"), [0x0043], "big") == [ord("C")]
    assert decode(holding(byte="high"), [0x4300], "big") == [ord("C")]
    assert encode(holding(byte="high"), ord("C"), "big") == [0x4300]


def test_a_field_of_an_integer() -> None:
    abb_state = holding(type=DataType.UINT32, shift=8, mask=0x7F)
    assert decode(abb_state, [0x0000, 0x8400], "big") == [4]
    assert encode(abb_state, 4, "big") == [0x0000, 0x0400]


def test_strings_lose_their_padding() -> None:
    assert decode(holding(type=DataType.STRING, count=3), [0x4332, 0x0000, 0x2020], "big") == ["C2"]
    assert encode(holding(type=DataType.STRING, count=3), "A", "big") == [0x4100, 0, 0]


def test_coils_are_bits() -> None:
    coil = Register(table=Table.COIL, address=400)
    assert decode(coil, [1, 0, 0, 0, 0, 0, 0, 0], "big") == [1]

"""What the simulated charger's identification registers show: plausible identity, and a detect value.

The detect value is the identity value when it matches the profile's detect pattern, else one made from the
pattern itself: a short example text built from re's own parse tree (the first branch, the first of a set,
the fewest repeats), checked by putting it through the register and matching what a driver reads back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
import re
import re._constants as regex_op  # re's own parser, to make an example of a detect pattern
import re._parser as regex_parser
from typing import Any

from custom_components.chargeshare.modbus.profile import Profile
from custom_components.chargeshare.modbus.registers import DataType, Register, Value, WordOrder
from sim.modbus.address_space import int_range, place_values, take_values


def identity_value(profile: Profile, field: str, register: Register) -> Value:
    """The manufacturer, model, serial or firmware, as text or as a number the register can hold."""
    if register.type is DataType.STRING:
        model = profile.name.removeprefix(profile.manufacturer).strip() or profile.name
        texts = {"manufacturer": profile.manufacturer, "model": model, "serial": "SIM-0001", "firmware": "1.0.0"}
        return texts[field]
    numbers = {"manufacturer": 1, "model": 1, "serial": 20240001, "firmware": 100}
    return min(max(numbers[field], int_range(register)[0]), int_range(register)[1])


def detect_value(register: Register, pattern: str, word_order: WordOrder, identity: Value | None) -> Value:
    """The identity value if it matches the detect pattern, else a value made from the pattern."""
    example = _example(pattern)
    candidates: list[Value] = [identity] if identity is not None else []
    if register.type is DataType.STRING:
        candidates.append(example)
    elif re.fullmatch(r"-?[0-9]+", example):
        candidates.append(int(example))
    for value in candidates:
        words: dict[int, int] = {}
        place_values(register, [value], word_order, words)
        if re.search(pattern, str(take_values(register, words, word_order)[0])):
            return value
    raise ValueError(f"cannot make a detect value that matches {pattern!r} (tried {candidates})")


def _example(pattern: str) -> str:
    """A short text the regular expression matches: the first branch, the first of a set, the fewest repeats."""
    return _example_of(regex_parser.parse(pattern))


def _example_of(items: Iterable[tuple[Any, Any]]) -> str:  # re's parse tree is untyped
    text = ""
    for op, argument in items:
        if op is regex_op.LITERAL:
            text += chr(argument)
        elif op in (regex_op.NOT_LITERAL, regex_op.ANY):
            text += "x" if argument != ord("x") else "y"
        elif op is regex_op.IN:
            text += _one_of(argument)
        elif op in (regex_op.MAX_REPEAT, regex_op.MIN_REPEAT):
            fewest, _most, repeated = argument
            text += _example_of(repeated) * fewest
        elif op is regex_op.SUBPATTERN:
            text += _example_of(argument[-1])
        elif op is regex_op.BRANCH:
            text += _example_of(argument[1][0])
        # Anchors and the like match without text.
    return text


def _one_of(items: Sequence[tuple[Any, Any]]) -> str:
    if items and items[0][0] is regex_op.NEGATE:
        return "x"  # a guess: the detect check tells whether it fits
    categories = {regex_op.CATEGORY_DIGIT: "0", regex_op.CATEGORY_SPACE: " ", regex_op.CATEGORY_NOT_WORD: " "}
    for op, argument in items:
        if op is regex_op.LITERAL:
            return chr(argument)
        if op is regex_op.RANGE:
            return chr(argument[0])
        if op is regex_op.CATEGORY:
            return categories.get(argument, "a")
    return "a"

"""Read charger profiles from YAML and check every field, reporting the first problem with its place.

`alfen.yaml: current.scale: expected a number` rather than a traceback: a profile is the one thing a user
adding a charger writes, so its errors must say where to look. Unknown keys are errors too (typos).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
import re
from typing import Any, Literal, TypeVar

import yaml

from .profile import (
    CURRENT_UNITS,
    ENERGY_UNITS,
    IDENTITY_FIELDS,
    POWER_UNITS,
    VOLTAGE_UNITS,
    Condition,
    CurrentSpec,
    EnableSpec,
    IecState,
    InitWrite,
    PhaseSpec,
    Profile,
    Quantity,
    StatusRule,
    StatusSpec,
    WatchdogSpec,
)
from .registers import DataType, Register, Table

PROFILES_DIR = Path(__file__).parent / "profiles"
_REGISTER_KEYS = (
    "table",
    "address",
    "addresses",
    "type",
    "count",
    "unit_id",
    "word_order",
    "encoding",
    "byte",
    "shift",
    "mask",
)
_T = TypeVar("_T")
_BYTES: tuple[Literal["high", "low"], ...] = ("high", "low")
_ENABLE_METHODS: tuple[Literal["current", "register", "coil"], ...] = ("current", "register", "coil")
_WATCHDOG_METHODS: tuple[Literal["rewrite_current", "write", "read"], ...] = ("rewrite_current", "write", "read")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the place."""


def load_profile(path: Path) -> Profile:
    """Read and check one profile file."""
    try:
        document = yaml.safe_load(path.read_text("utf-8"))
    except OSError as err:
        raise ProfileError(f"{path.name}: cannot be read: {err.strerror or err}") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ProfileError(f"{path.name}: {where}not valid YAML: {getattr(err, 'problem', None) or err}") from err
    return _parse(_Node(path.name, document), path.stem)


def load_profiles(
    directory: Path = PROFILES_DIR, *, on_error: Callable[[ProfileError], None] | None = None
) -> dict[str, Profile]:
    """Every profile in `directory`, by key (the file name without .yaml).

    A broken file raises ProfileError, or, given `on_error`, is reported there and left out.
    """
    profiles = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            profiles[path.stem] = load_profile(path)
        except ProfileError as err:
            if on_error is None:
                raise
            on_error(err)
    return profiles


class _Node:
    """A value of the document and where it is, with typed accessors that fail precisely."""

    def __init__(self, file: str, value: Any, path: str = "") -> None:
        self.file, self.value, self.path = file, value, path

    def error(self, message: str) -> ProfileError:
        return ProfileError(f"{self.file}: {self.path + ': ' if self.path else ''}{message}")

    def child(self, key: str) -> _Node:
        return _Node(self.file, self.mapping().get(key), f"{self.path}.{key}" if self.path else key)

    def mapping(self, allowed: Iterable[object] | None = None) -> Mapping[Any, Any]:
        if not isinstance(self.value, dict):
            raise self.error("expected a mapping")
        if allowed is not None:
            names = {str(key) for key in allowed}
            for key in self.value:
                if str(key) not in names:
                    raise self.error(f"unknown key {key!r} (expected one of: {', '.join(sorted(names))})")
        return self.value

    def items(self) -> list[_Node]:
        """The entries of a list (or of a mapping, by key)."""
        if isinstance(self.value, dict):
            return [_Node(self.file, value, f"{self.path}.{key}") for key, value in self.value.items()]
        if not isinstance(self.value, list) or not self.value:
            raise self.error("expected a non-empty list")
        return [_Node(self.file, value, f"{self.path}[{index}]") for index, value in enumerate(self.value)]

    def present(self) -> bool:
        return self.value is not None

    def number(self, default: float | None = None, *, positive: bool = False) -> float:
        if self.value is None and default is not None:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.error("expected a number")
        if positive and self.value <= 0:
            raise self.error("must be above 0")
        return float(self.value)

    def integer(self, default: int | None = None, *, minimum: int = 0, maximum: int = 65535) -> int:
        if self.value is None and default is not None:
            return default
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error("expected a whole number")
        if not minimum <= self.value <= maximum:
            raise self.error(f"must be between {minimum} and {maximum}")
        return self.value

    def text(self, default: str | None = None) -> str:
        if self.value is None and default is not None:
            return default
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error("expected a text")
        return self.value

    def choice(self, options: Iterable[_T], default: _T | None = None) -> _T:
        options = list(options)
        if self.value is None and default is not None:
            return default
        for option in options:
            if self.value == option or (not isinstance(self.value, bool) and str(self.value) == str(option)):
                return option
        raise self.error(f"expected one of: {', '.join(str(option) for option in options)}")

    def boolean(self, default: bool) -> bool:
        if self.value is None:
            return default
        if not isinstance(self.value, bool):
            raise self.error("expected true or false")
        return self.value


def _parse(root: _Node, key: str) -> Profile:
    root.mapping(
        {
            "name",
            "manufacturer",
            "connection",
            "status",
            "current",
            "enable",
            "watchdog",
            "meter",
            "phases",
            "identity",
            "detect",
            "init",
        }
    )
    connection = root.child("connection")
    if connection.present():
        connection.mapping({"port", "unit_id", "framer", "word_order", "request_gap_ms"})
    meter = root.child("meter")
    if meter.present():
        meter.mapping({"power", "currents", "voltages", "energy"})
    energy = meter.child("energy") if meter.present() else None
    detect = root.child("detect")
    if detect.present():
        detect.mapping({"register", "pattern"})
    return Profile(
        key=key,
        name=root.child("name").text(),
        manufacturer=root.child("manufacturer").text(),
        port=connection.child("port").integer(502, minimum=1) if connection.present() else 502,
        unit_id=connection.child("unit_id").integer(1, maximum=255) if connection.present() else 1,
        framer=connection.child("framer").choice(("socket", "rtu"), "socket") if connection.present() else "socket",
        word_order=connection.child("word_order").choice(("big", "little"), "big") if connection.present() else "big",
        request_gap_s=connection.child("request_gap_ms").number(0) / 1000 if connection.present() else 0.0,
        status=_status(root.child("status")),
        current=_current(root.child("current")),
        enable=_enable(root.child("enable")),
        watchdog=_watchdog(root.child("watchdog")) if root.child("watchdog").present() else None,
        power=_quantity(meter.child("power"), POWER_UNITS) if meter.present() else None,
        currents=_quantity(meter.child("currents"), CURRENT_UNITS) if meter.present() else None,
        voltages=_quantity(meter.child("voltages"), VOLTAGE_UNITS) if meter.present() else None,
        energy=_quantity(energy, ENERGY_UNITS, extra=("counts",)) if energy is not None else None,
        energy_counts=energy.child("counts").choice(("total", "session"), "total")
        if energy is not None and energy.present()
        else "total",
        phases=_phases(root.child("phases")) if root.child("phases").present() else None,
        identity=_identity(root.child("identity")),
        detect=_register(detect.child("register")) if detect.present() else None,
        detect_pattern=_pattern(detect.child("pattern")) if detect.present() else None,
        init=tuple(_init_write(item) for item in root.child("init").items()) if root.child("init").present() else (),
    )


def _register(node: _Node, extra: Iterable[str] = ()) -> Register:
    node.mapping((*_REGISTER_KEYS, *extra))
    table = node.child("table").choice(list(Table))
    data_type = node.child("type").choice(list(DataType), DataType.UINT16)
    addresses = (
        tuple(item.integer() for item in node.child("addresses").items()) if node.child("addresses").present() else ()
    )
    if addresses and node.child("address").present():
        raise node.error("give address or addresses, not both")
    byte = node.child("byte").choice(_BYTES) if node.child("byte").present() else None
    if byte and data_type is not DataType.UINT16:
        raise node.child("byte").error("needs type uint16")
    return Register(
        table=table,
        address=addresses[0] if addresses else node.child("address").integer(),
        type=data_type,
        count=node.child("count").integer(1, minimum=1, maximum=125),
        addresses=addresses,
        unit_id=node.child("unit_id").integer(maximum=255) if node.child("unit_id").present() else None,
        word_order=node.child("word_order").choice(("big", "little")) if node.child("word_order").present() else None,
        string_encoding=node.child("encoding").choice(("utf-8", "utf-16-be"), "utf-8"),
        byte=byte,
        shift=node.child("shift").integer(0, maximum=63),
        mask=node.child("mask").integer(maximum=2**64 - 1) if node.child("mask").present() else None,
    )


def _condition(node: _Node) -> Condition:
    if isinstance(node.value, dict):
        node.mapping({"min", "max"})
        minimum, maximum = node.child("min"), node.child("max")
        if not minimum.present() and not maximum.present():
            raise node.error("give min, max or both")
        return Condition(
            minimum=minimum.number() if minimum.present() else None,
            maximum=maximum.number() if maximum.present() else None,
        )
    values = node.items() if isinstance(node.value, list) else [node]
    checked: list[int | str] = []
    for value in values:
        if isinstance(value.value, bool) or not isinstance(value.value, int | str):
            raise value.error("expected a whole number or a text")
        checked.append(value.value)
    return Condition(values=tuple(checked))


def _status(node: _Node) -> StatusSpec:
    spec = node.mapping({"iec", "registers", "rules"})
    if "iec" in spec:
        if "registers" in spec or "rules" in spec:
            raise node.error("give iec, or registers with rules, not both")
        return StatusSpec(registers={"iec": _register(node.child("iec"))}, iec="iec")
    registers = {name: _register(node.child("registers").child(name)) for name in node.child("registers").mapping()}
    if not registers:
        raise node.child("registers").error("expected at least one register")
    rules = []
    for rule in node.child("rules").items():
        rule.mapping({*registers, "status"})
        rules.append(
            StatusRule(
                status=rule.child("status").choice(list(IecState)),
                when={name: _condition(rule.child(name)) for name in rule.mapping() if name != "status"},
            )
        )
    return StatusSpec(registers=registers, rules=tuple(rules))


def _write_fc(node: _Node, register: Register, allowed: tuple[int, ...] = (6, 16)) -> Any:
    default = 16 if register.length > 1 else 6
    write_fc = node.choice(allowed, default)
    if write_fc == 6 and register.length > 1:
        raise node.error("function code 6 writes one register; this one needs 16")
    return write_fc


def _current(node: _Node) -> CurrentSpec:
    node.mapping((*_REGISTER_KEYS, "write", "unit", "scale", "min", "max", "readback"))
    register = _register(node, extra=("write", "unit", "scale", "min", "max", "readback"))
    if register.table is not Table.HOLDING:
        raise node.child("table").error("a current setpoint is a holding register")
    readback_node = node.child("readback")
    readback: Register | None = register
    if readback_node.value is False:
        readback = None
    elif isinstance(readback_node.value, dict):
        readback = _register(readback_node)
    elif readback_node.present() and readback_node.value is not True:
        raise readback_node.error("expected true, false or a register")
    minimum = node.child("min").number(6.0, positive=True)
    maximum = node.child("max").number(32.0, positive=True)
    if maximum < minimum:
        raise node.child("max").error("must not be below min")
    return CurrentSpec(
        register=register,
        write_fc=_write_fc(node.child("write"), register),
        unit=node.child("unit").choice(CURRENT_UNITS),
        scale=node.child("scale").number(1.0, positive=True),
        minimum_a=minimum,
        maximum_a=maximum,
        readback=readback,
    )


def _enable(node: _Node) -> EnableSpec:
    if not node.present():
        return EnableSpec(method="current")
    node.mapping({"method", "register", "on_value", "off_value", "write", "readable"})
    method = node.child("method").choice(_ENABLE_METHODS)
    readable = node.child("readable").boolean(True)
    if method == "current":
        for key in ("register", "on_value", "off_value", "write"):
            if node.child(key).present():
                raise node.child(key).error("not used with method current")
        return EnableSpec(method="current", readable=readable)
    register = _register(node.child("register"))
    expected = Table.COIL if method == "coil" else Table.HOLDING
    if register.table is not expected:
        raise node.child("register").child("table").error(f"method {method} needs table {expected}")
    return EnableSpec(
        method=method,
        register=register,
        on=node.child("on_value").integer(1),
        off=node.child("off_value").integer(0),
        write_fc=5 if method == "coil" else _write_fc(node.child("write"), register),
        readable=readable,
    )


def _watchdog(node: _Node) -> WatchdogSpec:
    node.mapping(
        {
            "method",
            "period_s",
            "period_from",
            "period_unit",
            "period_divisor",
            "register",
            "value",
            "value_from",
            "write",
        }
    )
    method = node.child("method").choice(_WATCHDOG_METHODS)
    period_from = _register(node.child("period_from")) if node.child("period_from").present() else None
    if period_from is None and not node.child("period_s").present():
        raise node.error("give period_s, or period_from to read the charger's timeout")
    register = _register(node.child("register")) if node.child("register").present() else None
    if method == "write" and register is None:
        raise node.child("register").error("method write needs the register to write")
    return WatchdogSpec(
        method=method,
        period_s=node.child("period_s").number(positive=True) if node.child("period_s").present() else None,
        register=register,
        value=node.child("value").integer(1),
        value_from=_register(node.child("value_from")) if node.child("value_from").present() else None,
        write_fc=_write_fc(node.child("write"), register) if register is not None else 6,
        period_from=period_from,
        period_unit=node.child("period_unit").choice(("s", "ms"), "s"),
        period_divisor=node.child("period_divisor").number(2.0, positive=True),
    )


def _quantity(node: _Node, units: Mapping[str, float], extra: tuple[str, ...] = ()) -> Quantity | None:
    if not node.present():
        return None
    node.mapping((*_REGISTER_KEYS, "unit", "scale", *extra))
    return Quantity(
        register=_register(node, extra=("unit", "scale", *extra)),
        unit=node.child("unit").choice(units),
        scale=node.child("scale").number(1.0, positive=True),
    )


def _phases(node: _Node) -> PhaseSpec:
    node.mapping({"register", "values", "write", "requires", "requires_value"})
    register = _register(node.child("register"))
    values_node = node.child("values")
    values = dict(
        zip(
            (int(key) for key in values_node.mapping({1, 3})),
            (item.integer() for item in values_node.items()),
            strict=True,
        )
    )
    if set(values) != {1, 3}:
        raise values_node.error("expected the values for 1 and 3 phases")
    return PhaseSpec(
        register=register,
        values=values,
        write_fc=_write_fc(node.child("write"), register),
        requires=_register(node.child("requires")) if node.child("requires").present() else None,
        requires_value=node.child("requires_value").integer(1),
    )


def _identity(node: _Node) -> dict[str, Register | str]:
    if not node.present():
        return {}
    node.mapping(IDENTITY_FIELDS)
    return {
        name: _register(node.child(name)) if isinstance(value, dict) else node.child(name).text()
        for name, value in node.mapping().items()
    }


def _pattern(node: _Node) -> str:
    pattern = node.text()
    try:
        re.compile(pattern)
    except re.error as err:
        raise node.error(f"not a regular expression: {err}") from err
    return pattern


def _init_write(node: _Node) -> InitWrite:
    node.mapping({"register", "value", "write"})
    register = _register(node.child("register"))
    return InitWrite(
        register=register, value=node.child("value").integer(), write_fc=_write_fc(node.child("write"), register)
    )

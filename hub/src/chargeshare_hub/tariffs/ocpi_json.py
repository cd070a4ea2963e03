"""Reading and writing OCPI JSON values, with errors that name the exact path of what is wrong."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import StrEnum
import re
from typing import TypeVar

_Choice = TypeVar("_Choice", bound=StrEnum)

_TIME_OF_DAY = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TariffError(ValueError):
    """A tariff that is not valid OCPI 2.2.1; `field` is the JSON path of the offending value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class JsonObject:
    """One JSON object being read, and where it sits in the document."""

    def __init__(self, data: object, path: str, known_fields: Collection[str]) -> None:
        if not isinstance(data, Mapping):
            raise TariffError(path or "$", "expected an object")
        self._data: Mapping[object, object] = data
        self._path = path
        for key in data:
            if key not in known_fields:
                raise TariffError(self.path_of(str(key)), "unknown field")

    def path_of(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _value(self, key: str, *, required: bool) -> object:
        """The value, or None when absent (null counts as absent)."""
        value = self._data.get(key)
        if value is None and required:
            raise TariffError(self.path_of(key), "is required")
        return value

    def string(self, key: str, *, max_length: int, min_length: int = 1) -> str:
        value = self.optional_string(key, max_length=max_length, min_length=min_length)
        if value is None:
            raise TariffError(self.path_of(key), "is required")
        return value

    def optional_string(self, key: str, *, max_length: int, min_length: int = 1) -> str | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        if not isinstance(value, str):
            raise TariffError(self.path_of(key), "expected a string")
        if not min_length <= len(value) <= max_length:
            expected = f"{max_length}" if min_length == max_length else f"{min_length} to {max_length}"
            raise TariffError(self.path_of(key), f"expected {expected} characters")
        return value

    def number(self, key: str) -> Decimal:
        value = self.optional_number(key)
        if value is None:
            raise TariffError(self.path_of(key), "is required")
        return value

    def optional_number(self, key: str) -> Decimal | None:
        """A non-negative number; floats are read through their shortest repr, so 0.2 stays 0.2."""
        value = self._value(key, required=False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise TariffError(self.path_of(key), "expected a number")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise TariffError(self.path_of(key), "expected a finite number")
        if number < 0:
            raise TariffError(self.path_of(key), "must not be negative")
        return number

    def integer(self, key: str, *, positive: bool) -> int:
        value = self.optional_integer(key, positive=positive)
        if value is None:
            raise TariffError(self.path_of(key), "is required")
        return value

    def optional_integer(self, key: str, *, positive: bool) -> int | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if positive else 0):
            raise TariffError(self.path_of(key), f"expected a {'positive' if positive else 'non-negative'} integer")
        return value

    def choice(self, key: str, choices: type[_Choice]) -> _Choice:
        value = self.optional_choice(key, choices)
        if value is None:
            raise TariffError(self.path_of(key), "is required")
        return value

    def optional_choice(self, key: str, choices: type[_Choice]) -> _Choice | None:
        value = self._value(key, required=False)
        return None if value is None else read_choice(value, self.path_of(key), choices)

    def optional_time_of_day(self, key: str) -> time | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        if not isinstance(value, str) or not _TIME_OF_DAY.fullmatch(value):
            raise TariffError(self.path_of(key), "expected a time of day HH:MM, 00:00 to 23:59")
        return time.fromisoformat(value)

    def optional_date(self, key: str) -> date | None:
        value = self._value(key, required=False)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or not _DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise TariffError(self.path_of(key), "expected a date YYYY-MM-DD") from None

    def optional_date_time(self, key: str) -> datetime | None:
        """An RFC 3339 date-time; OCPI sends UTC, so one without an offset is read as UTC."""
        value = self._value(key, required=False)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or "T" not in value:
                raise ValueError(value)
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise TariffError(self.path_of(key), "expected an RFC 3339 date-time") from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    def optional_object(self, key: str) -> dict[str, object] | None:
        """An object taken as it is, for parts that are carried but not interpreted."""
        value = self._value(key, required=False)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise TariffError(self.path_of(key), "expected an object")
        return dict(value)

    def items(self, key: str) -> list[tuple[object, str]]:
        """A list's items with their paths; none when the list is absent."""
        value = self._value(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise TariffError(self.path_of(key), "expected a list")
        return [(item, f"{self.path_of(key)}[{index}]") for index, item in enumerate(value)]

    def required_items(self, key: str, *, noun: str) -> list[tuple[object, str]]:
        """A list that must hold at least one `noun`."""
        self._value(key, required=True)
        found = self.items(key)
        if not found:
            raise TariffError(self.path_of(key), f"expected at least one {noun}")
        return found


def read_choice(value: object, path: str, choices: type[_Choice]) -> _Choice:
    if isinstance(value, str) and value in choices.__members__:
        return choices[value]
    raise TariffError(path, f"expected one of {', '.join(choices.__members__)}")


def format_time_of_day(value: time) -> str:
    return value.strftime("%H:%M")


def format_date_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")

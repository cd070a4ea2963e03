"""Settings a host chose, read back from the entry's store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from .const import LOGGER

_S = TypeVar("_S")


def restore_settings(defaults: _S, data: Mapping[str, Any] | None, parse: Callable[[str, Any], Any]) -> _S:
    """`defaults` with the stored values over them.

    A value that cannot be read (an older or hand-edited file) keeps its default and is logged; the rest of
    the settings still load, so one bad value does not cost the host all the others.
    """
    settings = defaults
    for key, value in (data or {}).items():
        try:
            settings = replace(settings, **{key: parse(key, value)})  # type: ignore[type-var]
        except (TypeError, ValueError) as err:
            LOGGER.warning("Stored setting %s=%r cannot be used (%s); its default applies", key, value, err)
    return settings

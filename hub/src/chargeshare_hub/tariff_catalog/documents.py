"""A host's tariff as the hub accepts, stores and serves it: the OCPI 2.2.1 Tariff object, with the fields the
hub owns (`id`, `country_code`, `party_id`, `last_updated`) filled in and numbers as plain JSON numbers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
import re
from typing import Any

from ..listings.ocpi_json import ocpi_time
from ..tariffs import Tariff, TariffError
from ..web.errors import bad_request
from .tables import HostTariff

# The hub is the CPO of all its hosts' chargers. ZZ is ISO 3166's user-assigned code: the hub is no one
# country's operator. A host may send its own country_code and party_id; these fill the gaps.
HUB_COUNTRY_CODE = "ZZ"
HUB_PARTY_ID = "CSH"
# Tariff ids appear in URLs; OCPI allows any ASCII, the hub keeps to what needs no escaping.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,35}")


def accepted_tariff(body: Mapping[str, Any], tariff_id: str, now: datetime) -> Tariff:
    """The host's tariff under `tariff_id`, checked; raises a 400 naming the field (`elements[0].price_components`)."""
    given_id = body.get("id")
    if given_id is not None and not isinstance(given_id, str):
        raise bad_request("invalid", "id: expected a string.", "id")
    if given_id is not None and given_id != tariff_id:
        raise bad_request("invalid", f"id: this tariff is {tariff_id!r}.", "id")
    if not _ID.fullmatch(tariff_id):
        raise bad_request("invalid", "id: letters, digits, '.', '_' and '-', at most 36.", "id")
    document = dict(body)
    for name, value in (("country_code", HUB_COUNTRY_CODE), ("party_id", HUB_PARTY_ID)):
        if document.get(name) is None:
            document[name] = value
    document["id"] = tariff_id
    document["last_updated"] = ocpi_time(now)
    try:
        return Tariff.from_ocpi(document)
    except TariffError as err:
        raise bad_request("invalid", f"{err.field}: {err.message}.", err.field) from err


def tariff_document(tariff: Tariff) -> dict[str, Any]:
    document: dict[str, Any] = json_ready(tariff.to_ocpi())
    return document


def stored_tariff(row: HostTariff) -> Tariff:
    return Tariff.from_ocpi(row.document)


def json_ready(value: Any) -> Any:
    """The value with its Decimals as JSON numbers.

    Lossless for what the hub stores: a Decimal read from a JSON request came from an int or from a float's
    shortest repr, and goes back to that same int or float.
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value

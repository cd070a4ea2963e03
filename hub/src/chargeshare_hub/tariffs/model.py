"""The OCPI 2.2.1 Tariff object, read from and written to its JSON form."""

from __future__ import annotations

from collections.abc import Mapping
import copy
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from .money import minor_unit_exponent
from .ocpi_json import JsonObject, TariffError, format_date_time
from .restrictions import Restrictions


class Dimension(StrEnum):
    """What a price component charges for (OCPI TariffDimensionType)."""

    ENERGY = "ENERGY"  # per kWh, step_size in Wh
    FLAT = "FLAT"  # once per session, step_size ignored
    PARKING_TIME = "PARKING_TIME"  # per hour connected but not charging, step_size in seconds
    TIME = "TIME"  # per hour charging (or reserved), step_size in seconds


class TariffType(StrEnum):
    AD_HOC_PAYMENT = "AD_HOC_PAYMENT"
    PROFILE_CHEAP = "PROFILE_CHEAP"
    PROFILE_FAST = "PROFILE_FAST"
    PROFILE_GREEN = "PROFILE_GREEN"
    REGULAR = "REGULAR"


# A reservation element prices the reservation itself: a fee and its duration, nothing else (OCPI 2.2.1).
_RESERVATION_DIMENSIONS = (Dimension.FLAT, Dimension.TIME)


@dataclass(frozen=True, slots=True)
class PriceComponent:
    dimension: Dimension
    price: Decimal  # per unit, excluding VAT
    step_size: int
    vat: Decimal | None = None  # percent; None means unknown, which is not 0 %

    @classmethod
    def from_ocpi(cls, data: object, path: str) -> PriceComponent:
        reader = JsonObject(data, path, ("type", "price", "vat", "step_size"))
        dimension = reader.choice("type", Dimension)
        return cls(
            dimension=dimension,
            price=reader.number("price"),
            # FLAT has no unit to step through, and the spec's own free tariff gives it step_size 0.
            step_size=reader.integer("step_size", positive=dimension is not Dimension.FLAT),
            vat=reader.optional_number("vat"),
        )

    def to_ocpi(self) -> dict[str, object]:
        values: dict[str, object] = {"type": self.dimension.value, "price": self.price}
        if self.vat is not None:
            values["vat"] = self.vat
        values["step_size"] = self.step_size
        return values


@dataclass(frozen=True, slots=True)
class TariffElement:
    price_components: tuple[PriceComponent, ...]
    restrictions: Restrictions | None = None

    def component(self, dimension: Dimension) -> PriceComponent | None:
        return next((c for c in self.price_components if c.dimension is dimension), None)

    @classmethod
    def from_ocpi(cls, data: object, path: str) -> TariffElement:
        reader = JsonObject(data, path, ("price_components", "restrictions"))
        components = [
            PriceComponent.from_ocpi(item, item_path)
            for item, item_path in reader.required_items("price_components", noun="price component")
        ]
        restrictions_data = reader.optional_object("restrictions")
        restrictions = (
            None
            if restrictions_data is None
            else Restrictions.from_ocpi(restrictions_data, reader.path_of("restrictions"))
        )
        for index, component in enumerate(components):
            component_path = f"{reader.path_of('price_components')}[{index}].type"
            if any(other.dimension is component.dimension for other in components[:index]):
                raise TariffError(component_path, f"{component.dimension} appears twice in this element")
            reserving = restrictions is not None and restrictions.reservation is not None
            if reserving and component.dimension not in _RESERVATION_DIMENSIONS:
                raise TariffError(component_path, "a reservation element prices only FLAT and TIME")
        return cls(tuple(components), restrictions)

    def to_ocpi(self) -> dict[str, object]:
        values: dict[str, object] = {"price_components": [c.to_ocpi() for c in self.price_components]}
        if self.restrictions is not None:
            values["restrictions"] = self.restrictions.to_ocpi()
        return values


@dataclass(frozen=True, slots=True)
class Price:
    excl_vat: Decimal
    incl_vat: Decimal | None = None

    @classmethod
    def from_ocpi(cls, data: object, path: str) -> Price:
        reader = JsonObject(data, path, ("excl_vat", "incl_vat"))
        return cls(reader.number("excl_vat"), reader.optional_number("incl_vat"))

    def to_ocpi(self) -> dict[str, object]:
        values: dict[str, object] = {"excl_vat": self.excl_vat}
        if self.incl_vat is not None:
            values["incl_vat"] = self.incl_vat
        return values


@dataclass(frozen=True, slots=True)
class DisplayText:
    language: str  # ISO 639-1
    text: str

    @classmethod
    def from_ocpi(cls, data: object, path: str) -> DisplayText:
        reader = JsonObject(data, path, ("language", "text"))
        return cls(reader.string("language", min_length=2, max_length=2), reader.string("text", max_length=512))

    def to_ocpi(self) -> dict[str, object]:
        return {"language": self.language, "text": self.text}


_TARIFF_FIELDS = (
    "country_code",
    "party_id",
    "id",
    "currency",
    "type",
    "tariff_alt_text",
    "tariff_alt_url",
    "min_price",
    "max_price",
    "elements",
    "start_date_time",
    "end_date_time",
    "energy_mix",
    "last_updated",
)


@dataclass(frozen=True, slots=True)
class Tariff:
    """Field names as in OCPI; prices and restriction values are Decimal, in `to_ocpi()` too."""

    country_code: str
    party_id: str
    id: str
    currency: str  # ISO 4217
    elements: tuple[TariffElement, ...]
    type: TariffType | None = None
    tariff_alt_text: tuple[DisplayText, ...] = ()
    tariff_alt_url: str | None = None
    min_price: Price | None = None
    max_price: Price | None = None
    start_date_time: datetime | None = None
    end_date_time: datetime | None = None
    energy_mix: Mapping[str, object] | None = field(default=None, hash=False)  # carried, not interpreted
    last_updated: datetime | None = None

    @classmethod
    def from_ocpi(cls, data: Mapping[str, object]) -> Tariff:
        """Raises TariffError naming the JSON path of the first problem found."""
        reader = JsonObject(data, "", _TARIFF_FIELDS)
        country_code = reader.string("country_code", min_length=2, max_length=2)
        party_id = reader.string("party_id", min_length=3, max_length=3)
        tariff_id = reader.string("id", max_length=36)
        currency = reader.string("currency", min_length=3, max_length=3)
        try:
            minor_unit_exponent(currency)
        except ValueError:
            raise TariffError("currency", "expected an ISO 4217 currency code, such as EUR") from None
        tariff_type = reader.optional_choice("type", TariffType)
        alt_texts = reader.items("tariff_alt_text")
        alt_text = tuple(DisplayText.from_ocpi(item, path) for item, path in alt_texts)
        alt_url = reader.optional_string("tariff_alt_url", max_length=2048)
        if alt_url is not None and not alt_url.startswith(("https://", "http://")):
            raise TariffError("tariff_alt_url", "expected an http(s) URL")
        min_price, max_price = (_optional_price(reader, key) for key in ("min_price", "max_price"))
        _check_price_range(min_price, max_price)
        element_items = reader.required_items("elements", noun="element")
        elements = tuple(TariffElement.from_ocpi(item, path) for item, path in element_items)
        energy_mix = reader.optional_object("energy_mix")
        return cls(
            country_code=country_code,
            party_id=party_id,
            id=tariff_id,
            currency=currency,
            elements=elements,
            type=tariff_type,
            tariff_alt_text=alt_text,
            tariff_alt_url=alt_url,
            min_price=min_price,
            max_price=max_price,
            start_date_time=reader.optional_date_time("start_date_time"),
            end_date_time=reader.optional_date_time("end_date_time"),
            energy_mix=None if energy_mix is None else copy.deepcopy(energy_mix),
            last_updated=reader.optional_date_time("last_updated"),
        )

    def to_ocpi(self) -> dict[str, object]:
        values: dict[str, object] = {
            "country_code": self.country_code,
            "party_id": self.party_id,
            "id": self.id,
            "currency": self.currency,
            "type": None if self.type is None else self.type.value,
            "tariff_alt_text": [text.to_ocpi() for text in self.tariff_alt_text] or None,
            "tariff_alt_url": self.tariff_alt_url,
            "min_price": None if self.min_price is None else self.min_price.to_ocpi(),
            "max_price": None if self.max_price is None else self.max_price.to_ocpi(),
            "elements": [element.to_ocpi() for element in self.elements],
            "start_date_time": None if self.start_date_time is None else format_date_time(self.start_date_time),
            "end_date_time": None if self.end_date_time is None else format_date_time(self.end_date_time),
            "energy_mix": None if self.energy_mix is None else copy.deepcopy(dict(self.energy_mix)),
            "last_updated": None if self.last_updated is None else format_date_time(self.last_updated),
        }
        return {name: value for name, value in values.items() if value is not None}


def _optional_price(reader: JsonObject, key: str) -> Price | None:
    data = reader.optional_object(key)
    return None if data is None else Price.from_ocpi(data, reader.path_of(key))


def _check_price_range(min_price: Price | None, max_price: Price | None) -> None:
    if min_price is None or max_price is None:
        return
    if min_price.excl_vat > max_price.excl_vat:
        raise TariffError("min_price.excl_vat", "must not exceed max_price.excl_vat")
    if min_price.incl_vat is not None and max_price.incl_vat is not None and min_price.incl_vat > max_price.incl_vat:
        raise TariffError("min_price.incl_vat", "must not exceed max_price.incl_vat")

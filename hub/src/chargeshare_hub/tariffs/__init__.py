"""OCPI 2.2.1 tariffs: reading them, and pricing sessions and reservations with them."""

from .calculator import price
from .cost import Cost, DimensionCost
from .model import Dimension, DisplayText, Price, PriceComponent, Tariff, TariffElement, TariffType
from .money import minor_unit_exponent, to_minor_units
from .ocpi_json import TariffError
from .restrictions import DayOfWeek, ReservationRestriction, Restrictions
from .usage import Activity, Reservation, Usage, UsagePeriod

__all__ = [
    "Activity",
    "Cost",
    "DayOfWeek",
    "Dimension",
    "DimensionCost",
    "DisplayText",
    "Price",
    "PriceComponent",
    "Reservation",
    "ReservationRestriction",
    "Restrictions",
    "Tariff",
    "TariffElement",
    "TariffError",
    "TariffType",
    "Usage",
    "UsagePeriod",
    "minor_unit_exponent",
    "price",
    "to_minor_units",
]

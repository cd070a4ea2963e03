"""Pricing a session, and the reservation before it, with an OCPI 2.2.1 tariff."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Context, Decimal, localcontext
import operator

from .cost import Cost, DimensionCost
from .matching import applies
from .model import Dimension, Price, PriceComponent, Tariff
from .timeline import Moment, Slice, SplitPoints, reservation_slices, session_slices
from .usage import Reservation, Usage

# Results must not depend on the caller's decimal context; 50 digits leave the rounding far below a cent.
_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN)
# Prices are per kWh and per hour, step sizes count Wh and seconds; quantities are kept in step units.
_STEP_UNITS_PER_PRICED_UNIT = {
    Dimension.FLAT: Decimal(1),
    Dimension.ENERGY: Decimal(1000),
    Dimension.TIME: Decimal(3600),
    Dimension.PARKING_TIME: Decimal(3600),
}
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class _Used:
    """A price component as taken from one element (equal components may sit in several)."""

    element_index: int
    component: PriceComponent


def price(tariff: Tariff, usage: Usage) -> Cost:
    """What the usage costs under the tariff; the tariff's validity dates are the caller's to check."""
    with localcontext(_CONTEXT):
        points = SplitPoints.of(tariff)
        dimensions: list[DimensionCost] = []
        reservation = usage.reservation
        if reservation is not None:
            dimensions += _price_phase(tariff, reservation_slices(usage, reservation, points), reservation)
        if reservation is None or not reservation.expired:
            dimensions += _price_phase(tariff, session_slices(usage, points), None)
        return _total(tariff, dimensions)


def _price_phase(tariff: Tariff, slices: list[Slice], reservation: Reservation | None) -> list[DimensionCost]:
    """The reservation (when given) or the charging session: each dimension priced and rounded on its own."""
    billed: dict[_Used, Decimal] = {}
    last_used: dict[Dimension, _Used] = {}
    flat = _flat_fee(tariff, slices, reservation)
    if flat is not None:
        billed[flat] = Decimal(1)
    for piece in slices:
        for dimension, quantity in ((Dimension.ENERGY, piece.energy_kwh * 1000), (piece.time_dimension, piece.seconds)):
            used = _first_applicable(tariff, dimension, piece.moment, reservation) if quantity else None
            if used is not None:
                billed[used] = billed.get(used, _ZERO) + quantity
                last_used[dimension] = used
    for used, extra in _step_remainders(billed, last_used):
        billed[used] += extra
    return _dimension_costs(billed, reservation is not None)


def _flat_fee(tariff: Tariff, slices: list[Slice], reservation: Reservation | None) -> _Used | None:
    """Billed once: by the first element that has one and applies, as early as one does."""
    for piece in slices:
        used = _first_applicable(tariff, Dimension.FLAT, piece.moment, reservation)
        if used is not None:
            return used
    return None


def _first_applicable(
    tariff: Tariff, dimension: Dimension, moment: Moment, reservation: Reservation | None
) -> _Used | None:
    for index, element in enumerate(tariff.elements):
        component = element.component(dimension)
        if component is not None and applies(element, moment, reservation):
            return _Used(index, component)
    return None


def _step_remainders(billed: dict[_Used, Decimal], last_used: dict[Dimension, _Used]) -> list[tuple[_Used, Decimal]]:
    """What rounding each dimension's total up to whole steps of its last used component adds, billed by it.

    Charging time followed by priced parking is not rounded on its own: the parking component rounds parking
    time alone when it comes from another element than the last charging price, and charging plus parking
    time when both come from one element. The spec's examples do both; see the reference README.
    """

    def total(*dimensions: Dimension) -> Decimal:
        return sum((quantity for used, quantity in billed.items() if used.component.dimension in dimensions), _ZERO)

    remainders: list[tuple[_Used, Decimal]] = []
    if (energy := last_used.get(Dimension.ENERGY)) is not None:
        remainders.append((energy, _to_whole_steps(total(Dimension.ENERGY), energy.component.step_size)))
    charging, parking = last_used.get(Dimension.TIME), last_used.get(Dimension.PARKING_TIME)
    if parking is not None:
        one_element = charging is not None and charging.element_index == parking.element_index
        rounded = total(Dimension.TIME, Dimension.PARKING_TIME) if one_element else total(Dimension.PARKING_TIME)
        remainders.append((parking, _to_whole_steps(rounded, parking.component.step_size)))
    elif charging is not None:
        remainders.append((charging, _to_whole_steps(total(Dimension.TIME), charging.component.step_size)))
    return remainders


def _to_whole_steps(quantity: Decimal, step_size: int) -> Decimal:
    """What rounding the quantity up to a whole number of steps adds."""
    return (quantity / step_size).to_integral_value(rounding=ROUND_CEILING) * step_size - quantity


def _dimension_costs(billed: dict[_Used, Decimal], reservation: bool) -> list[DimensionCost]:
    costs: list[DimensionCost] = []
    for dimension in (Dimension.FLAT, Dimension.ENERGY, Dimension.TIME, Dimension.PARKING_TIME):
        lines = [
            (used.component, quantity) for used, quantity in billed.items() if used.component.dimension is dimension
        ]
        if not lines:
            continue
        amounts = [(quantity * c.price / _STEP_UNITS_PER_PRICED_UNIT[dimension], c.vat) for c, quantity in lines]
        costs.append(
            DimensionCost(
                dimension=dimension,
                reservation=reservation,
                quantity=sum((quantity for _, quantity in lines), _ZERO),
                excl_vat=sum((amount for amount, _ in amounts), _ZERO),
                incl_vat=_sum_known(None if vat is None else amount * (1 + vat / 100) for amount, vat in amounts),
            )
        )
    return costs


def _sum_known(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, unknown as soon as one amount is."""
    total = _ZERO
    for amount in amounts:
        if amount is None:
            return None
        total += amount
    return total


def _total(tariff: Tariff, dimensions: list[DimensionCost]) -> Cost:
    excl_vat = sum((d.excl_vat for d in dimensions), _ZERO)
    incl_vat = _sum_known(d.incl_vat for d in dimensions)
    min_applied = max_applied = False
    if tariff.min_price is not None:
        excl_vat, incl_vat, min_applied = _bound(excl_vat, incl_vat, tariff.min_price, operator.lt)
    if tariff.max_price is not None:
        excl_vat, incl_vat, max_applied = _bound(excl_vat, incl_vat, tariff.max_price, operator.gt)
    return Cost(tariff.currency, excl_vat, incl_vat, tuple(dimensions), min_applied, max_applied)


def _bound(
    excl_vat: Decimal, incl_vat: Decimal | None, bound: Price, beyond: Callable[[Decimal, Decimal], bool]
) -> tuple[Decimal, Decimal | None, bool]:
    """Each total beyond the bound becomes the bound. Raising or capping the total excl. VAT with no
    incl. VAT bound to match leaves the total incl. VAT unknown.
    """
    excl_beyond = beyond(excl_vat, bound.excl_vat)
    incl_beyond = False
    if incl_vat is not None and bound.incl_vat is not None:
        incl_beyond = beyond(incl_vat, bound.incl_vat)
        incl_vat = bound.incl_vat if incl_beyond else incl_vat
    elif excl_beyond:
        incl_vat = None
    return (bound.excl_vat if excl_beyond else excl_vat), incl_vat, excl_beyond or incl_beyond

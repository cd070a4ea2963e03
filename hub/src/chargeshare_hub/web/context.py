"""The hub's services, as the web handlers reach them."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from ..accounts.service import Accounts
from ..bookings.service import Bookings
from ..charging.service import Charging
from ..config import HubConfig
from ..db.engine import Database
from ..faults.service import Faults
from ..idempotency.service import IdempotencyKeys
from ..listings.service import Listings
from ..listings.upkeep import Upkeep
from ..messages.service import Messages
from ..notifications.mailer import Mailer
from ..notifications.service import Notifications
from ..payments.disputes import Disputes
from ..payments.payouts import Payouts
from ..payments.service import Payments
from ..privacy.service import Privacy
from ..reviews.service import Reviews
from ..search.service import Search
from ..suggestions.service import Planner
from ..support.service import Support
from ..tariff_catalog.service import TariffCatalog
from ..trust.service import Trust
from ..vehicles.service import Vehicles
from ..waitlist.service import Waitlist


@dataclass(frozen=True, slots=True)
class Hub:
    config: HubConfig
    db: Database
    accounts: Accounts
    listings: Listings
    search: Search
    tariff_catalog: TariffCatalog
    bookings: Bookings
    charging: Charging
    notifications: Notifications
    mailer: Mailer
    messages: Messages
    support: Support
    privacy: Privacy
    trust: Trust
    reviews: Reviews
    faults: Faults
    upkeep: Upkeep
    vehicles: Vehicles
    planner: Planner
    waitlist: Waitlist
    payments: Payments
    payouts: Payouts
    disputes: Disputes
    idempotency: IdempotencyKeys


HUB = web.AppKey("hub", Hub)


def hub_of(request: web.Request) -> Hub:
    return request.app[HUB]

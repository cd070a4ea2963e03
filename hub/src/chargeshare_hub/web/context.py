"""The hub's services, as the web handlers reach them."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from ..accounts.service import Accounts
from ..bookings.service import Bookings
from ..charging.service import Charging
from ..config import HubConfig
from ..db.engine import Database
from ..listings.service import Listings
from ..search.service import Search
from ..tariff_catalog.service import TariffCatalog


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


HUB = web.AppKey("hub", Hub)


def hub_of(request: web.Request) -> Hub:
    return request.app[HUB]

"""The hub's services, as the web handlers reach them."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from ..accounts.service import Accounts
from ..config import HubConfig
from ..db.engine import Database
from ..listings.service import Listings


@dataclass(frozen=True, slots=True)
class Hub:
    config: HubConfig
    db: Database
    accounts: Accounts
    listings: Listings


HUB = web.AppKey("hub", Hub)


def hub_of(request: web.Request) -> Hub:
    return request.app[HUB]

"""What an API token may do. A signed-in browser may do everything its account may."""

from __future__ import annotations

SCOPES: dict[str, str] = {
    "account": "read and change the account, its tokens and pairing codes",
    "listings": "create and change the host's listings and tariffs",
    "bookings": "make, change and cancel bookings; answer booking requests",
    "link": "a linked Home Assistant: availability, sessions and booking answers",
}
ALL_SCOPES = frozenset(SCOPES)


def parse_scopes(text: str) -> frozenset[str]:
    return frozenset(text.split())

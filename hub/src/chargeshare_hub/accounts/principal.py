"""Who a request acts for, once authenticated."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    scopes: frozenset[str]
    is_admin: bool
    is_host: bool
    via_cookie: bool
    session_id: str | None = None  # the browser session, for signing out
    token_id: int | None = None

"""The hub's side of the link: one websocket per host's Home Assistant (see docs/hub-link.md)."""

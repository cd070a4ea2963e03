"""The hub's money: a double-entry, append-only ledger in integer minor units."""

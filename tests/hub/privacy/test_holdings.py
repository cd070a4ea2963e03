"""The map of personal data is complete: every column that names an account is in it."""

from __future__ import annotations

from chargeshare_hub.db.schema import metadata
from chargeshare_hub.privacy.holdings import CHILDREN, HOLDINGS


def test_every_column_referring_to_an_account_is_mapped() -> None:
    referring = {
        (table.name, key.parent.name)
        for table in metadata.tables.values()
        for key in table.foreign_keys
        if key.column.table.name == "users"
    }
    mapped = {(holding.table, holding.column) for holding in HOLDINGS}

    assert referring - mapped == set()


def test_every_mapped_table_and_column_exists() -> None:
    named = [(holding.table, holding.column) for holding in HOLDINGS] + [
        child for children in CHILDREN.values() for child in children
    ]

    assert [pair for pair in named if pair[1] not in metadata.tables[pair[0]].c] == []
    assert [parent for parent in CHILDREN if len(metadata.tables[parent].primary_key.columns) != 1] == []

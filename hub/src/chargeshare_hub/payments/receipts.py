"""A wallet as the API shows it: funds and movements as JSON, a receipt as an HTML page, the history as CSV.
Amounts are integer minor units in JSON and decimal amounts (as on a bank statement) in the HTML and CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
import io
from typing import Any

from ..ledger.balances import Movement
from ..listings.ocpi_json import ocpi_time
from ..tariffs.money import minor_unit_exponent
from .wallet import Funds

WHAT: dict[str, str] = {
    "wallet.top_up": "Wallet top-up",
    "wallet.capture": "Charging session",
    "wallet.collect": "Booking fee",
    "wallet.refund": "Refund",
}
CSV_COLUMNS = ("date", "description", "amount", "currency", "balance", "reference", "receipt")


@dataclass(frozen=True, slots=True)
class Receipt:
    posting_id: int
    kind: str
    reference: str | None
    created_at: datetime
    amount: int  # what it added to the wallet (negative: took from it)
    currency: str
    balance_after: int


def funds_json(funds: Funds) -> dict[str, Any]:
    return {
        "currency": funds.currency,
        "balance": funds.balance,
        "on_hold": funds.on_hold,
        "available": funds.available,
    }


def receipt_link(posting_id: int) -> str:
    return f"/api/v1/wallet/receipts/{posting_id}"


def movement_json(movement: Movement) -> dict[str, Any]:
    return {
        "id": movement.entry_id,
        "posting_id": movement.posting_id,
        "kind": movement.kind,
        "description": describe(movement.kind),
        "reference": movement.reference,
        "amount": movement.amount,
        "balance": movement.holding_after,
        "created_at": ocpi_time(movement.created_at),
        "receipt": receipt_link(movement.posting_id),
    }


def describe(kind: str) -> str:
    return WHAT.get(kind, kind)


def decimal(amount: int, currency: str) -> str:
    return f"{Decimal(amount).scaleb(-minor_unit_exponent(currency)):f}"


def receipt_html(receipt: Receipt) -> str:
    what = escape(describe(receipt.kind))
    rows = (
        ("Receipt", str(receipt.posting_id)),
        ("Date (UTC)", f"{receipt.created_at:%Y-%m-%d %H:%M:%S}"),
        ("What", describe(receipt.kind)),
        ("Amount", f"{decimal(receipt.amount, receipt.currency)} {receipt.currency}"),
        ("Wallet balance after", f"{decimal(receipt.balance_after, receipt.currency)} {receipt.currency}"),
        ("Reference", receipt.reference or ""),
    )
    cells = "\n".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in rows)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ChargeShare receipt {receipt.posting_id}: {what}</title></head>\n"
        f"<body><h1>ChargeShare receipt</h1>\n<table>\n{cells}\n</table></body></html>\n"
    )


def history_csv(movements: list[Movement], currency: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for movement in movements:
        writer.writerow(
            (
                ocpi_time(movement.created_at),
                describe(movement.kind),
                decimal(movement.amount, currency),
                currency,
                decimal(movement.holding_after, currency),
                movement.reference or "",
                receipt_link(movement.posting_id),
            )
        )
    return out.getvalue()

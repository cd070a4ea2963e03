"""A booked charger whose driver and host are known to Stripe, for the tests of the hub's `stripe` provider.

It is the payment tests' charger and booking (tests/hub/payments/helpers.py): a one-hour booking holds 3.04 EUR,
of which the platform's fee would be 0.30 EUR, and a 5 kWh session costs 1.38 EUR: the host earns 1.25 EUR, the
platform keeps 0.13 EUR.
"""

from __future__ import annotations

from typing import Any

from chargeshare_hub.charging.tables import Cdr
from chargeshare_hub.payments.stripe.provider import StripeProvider
from chargeshare_hub.payments.tables import PaymentHold
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock
from tests.hub.charging.helpers import end, start
from tests.hub.payments.helpers import Setting, booked_charger, held, payments
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT

HOLD, HOLD_FEE = 304, 30
CHARGED, HOST_SHARE, FEE = 138, 125, 13
PARTIES = "/api/v1/payments/stripe"


def provider(client: Any) -> StripeProvider:
    stripe: StripeProvider = client.server.app[HUB].payments.provider
    return stripe


async def save_card(client: Any, driver: Actor, payment_method: str = "pm_card_visa") -> Any:
    return await client.put(
        f"{PARTIES}/card", json={"customer": "cus_driver", "payment_method": payment_method}, headers=driver.headers
    )


async def save_account(client: Any, host: Actor, account: str = HOST_ACCOUNT) -> Any:
    return await client.put(f"{PARTIES}/account", json={"account": account}, headers=host.headers)


async def stripe_booking(client: Any, *, card: str | None = "pm_card_visa") -> Setting:
    """The booked charger, the host's Connect account saved, and the driver's `card` (None: no card saved)."""
    setting = await booked_charger(client, wallet=0)
    assert (await save_account(client, setting.host)).status == 200
    if card is not None:
        assert (await save_card(client, setting.driver, card)).status == 200
    return setting


async def held_at_stripe(
    client: Any, clock: Clock, *, card: str | None = "pm_card_visa"
) -> tuple[Setting, PaymentHold]:
    """The booking with its hold placed, 30 minutes before the slot."""
    setting = await stripe_booking(client, card=card)
    clock.advance(minutes=30)
    await payments(client).sweep()
    hold = await held(client, setting.booking_id)
    assert hold is not None
    return setting, hold


async def charged_at_stripe(client: Any, clock: Clock) -> tuple[Setting, PaymentHold, Cdr]:
    """The booking held, then charged for a 5 kWh session: its CDR captured the hold."""
    setting, _ = await held_at_stripe(client, clock)
    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    cdr = await end(client, setting.host, minutes=60, meter_wh=6_000)
    hold = await held(client, setting.booking_id)
    assert hold is not None
    return setting, hold, cdr

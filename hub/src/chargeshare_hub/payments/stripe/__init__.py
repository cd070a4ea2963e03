"""Stripe for the hub's payments: PaymentIntents with manual capture as holds, Connect destination charges with
the platform fee as the application fee, refunds that take the host's share back, and signed webhooks.

`gateway.StripeGateway` makes the calls, `webhooks.webhook_handler` receives Stripe's events; what needs live
keys and what is tested locally is in README.md beside this file.
"""

"""ChargeShare's community hub: listings, tariffs, search and bookings behind a JSON API."""

__version__ = "0.1.0"

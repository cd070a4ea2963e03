"""Bookings of a charger's time (OCPI 2.3 Bookings): terms, lifecycle, no double booking."""

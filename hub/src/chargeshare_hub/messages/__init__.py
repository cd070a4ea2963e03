"""Messages between a booking's driver and the listing's host: access instructions, running late."""

"""Paying for charging: the driver's wallet, holds placed before a booked slot, captures of what the CDR cost."""

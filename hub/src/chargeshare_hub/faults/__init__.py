"""Fault reports: drivers who used a charger say it is broken; it is out of order until its host fixes it."""

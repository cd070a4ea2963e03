"""Charging sessions and their immutable charge detail records (OCPI 2.2.1 Session and CDR)."""

"""Listings: a host's Location with its EVSEs and Connectors in the OCPI 2.2.1 shape, who may see it, photos."""

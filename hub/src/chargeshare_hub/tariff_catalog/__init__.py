"""A host's tariffs as stored by the hub: OCPI 2.2.1 Tariff objects attached to listings' connectors."""

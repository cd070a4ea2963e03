"""Reviews both ways after a fulfilled booking: drivers rate the charger and its host, hosts rate drivers."""

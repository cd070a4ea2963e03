"""Drivers' vehicle profiles: the connectors a car takes and the power it draws, for search and estimates."""

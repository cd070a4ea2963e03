"""Planning a charge at a listing: time and price per connector, and the cheapest and greenest free slots."""

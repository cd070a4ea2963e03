"""The waitlist: drivers wait for a slot at a full listing and are offered one when a booking frees it."""

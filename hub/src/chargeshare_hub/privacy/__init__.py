"""Privacy: a user downloads everything the hub holds about them, or deletes their account."""

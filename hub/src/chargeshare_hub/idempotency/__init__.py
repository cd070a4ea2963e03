"""Idempotency keys for money-moving API calls: a retry returns the first response instead of paying twice."""

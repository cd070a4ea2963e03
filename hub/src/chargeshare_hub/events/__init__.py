"""Live events: status changes and session progress, logged with a global sequence and pushed to browsers (SSE)."""

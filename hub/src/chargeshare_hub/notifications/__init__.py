"""Notifications: every one lands in the user's inbox on the hub and, when asked, goes out as an email."""

"""Support requests: a user asks the hub's admins for help and follows the answer."""

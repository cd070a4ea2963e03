"""Trust: verified email addresses, the verified-host badge, and what an unverified account may not do."""

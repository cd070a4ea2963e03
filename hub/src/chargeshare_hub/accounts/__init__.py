"""People on the hub: hosts, drivers and admins; how they sign in and how their programs do."""

"""The hub's HTTP side: the JSON API, its OpenAPI document, authentication."""

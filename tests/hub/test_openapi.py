"""The OpenAPI document describes exactly the routes the hub serves."""

from __future__ import annotations

from typing import Any


async def test_every_route_is_documented_and_every_documented_route_exists(client: Any) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()
    served = {
        (route.method.lower(), route.resource.canonical)
        for route in client.server.app.router.routes()
        if route.method != "HEAD" and route.resource is not None
    }

    documented = {(method, path) for path, item in document["paths"].items() for method in item}

    assert documented == served
    assert document["openapi"].startswith("3.")


async def test_every_operation_that_needs_a_sign_in_names_its_scope(client: Any) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()

    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "security" in operation:
                assert operation["x-scope"], (method, path)
            assert "default" in operation["responses"], (method, path)

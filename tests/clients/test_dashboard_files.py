"""The hub serves the dashboard's static files from the installed package."""

from __future__ import annotations

import httpx


async def test_dashboard_is_served_with_its_assets(api: httpx.AsyncClient) -> None:
    bare = await api.get("/dashboard")
    page = await api.get("/dashboard/")
    script = await api.get("/dashboard/app.js")
    style = await api.get("/dashboard/style.css")

    assert bare.status_code in (307, 308) and bare.headers["location"].endswith("/dashboard/")
    assert page.status_code == 200 and "<main" in page.text
    assert "graphql-transport-ws" in script.text
    assert script.headers["content-type"].split(";")[0] in (
        "text/javascript",
        "application/javascript",
    )
    assert style.headers["content-type"].startswith("text/css")

"""The project's browser setup yields a Chromium that loads a page."""

from __future__ import annotations

from typing import Any


async def test_chromium_renders_a_page(browser: Any) -> None:
    page = await browser.new_page()
    await page.set_content("<main><h1>hub</h1></main>")
    assert await page.inner_text("h1") == "hub"

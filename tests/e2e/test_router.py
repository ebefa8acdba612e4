"""The ``pages/`` folder sits at the top (the design card's layout): a fresh server's very first
request to a sub-URL must still get the whole app (router, sidebar, filters, translated
navigation), and the first click after it must not be lost (ui/entry.py explains why)."""

from __future__ import annotations

import re

import pytest

from .conftest import SUB_PAGES, shot, start_server, stop_server, wait_for_app


@pytest.fixture
def fresh_server(tmp_path):
    s = start_server(tmp_path, applications=1500)
    yield s
    stop_server(s)


@pytest.mark.parametrize("path", SUB_PAGES)
def test_first_request_to_a_sub_page_gets_the_whole_app_in_dutch(fresh_server, browser, path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{fresh_server.url}/{path}?lang=nl")  # the server's first request
        wait_for_app(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Overzicht" in nav or "Wervingsfunnel" in nav, nav  # the translated navigation
        assert "Filters" in sidebar.inner_text()
        filters = sidebar.locator('[data-testid="stMultiSelect"]')
        filters.nth(3).wait_for(state="attached")  # the widgets render lazily, after the text
        assert filters.count() == 4
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.url.split("?")[0].endswith(f"/{path}")
        if (
            path == "presenter"
        ):  # the presenter view hides the sidebar by design (a toggle shows it)
            return
        # the first interaction after the first run is not lost: the language switch works
        sidebar.get_by_text("English", exact=True).click()
        page.wait_for_function("() => !location.search.includes('lang=nl')", timeout=30_000)
        wait_for_app(page)
        assert "Overview" in page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert re.search(rf"/{path}(\?|$)", page.url), page.url
        shot(page, f"first_request_{path}")
    finally:
        context.close()

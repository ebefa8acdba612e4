"""Issue 21 in a real browser: a tab click runs only that tab (its content appears, the URL names
the tab by its raw id, a link with that id opens it), and a chart's CSV, made only when the
button is clicked, downloads formula-escaped with its BOM."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analytics.i18n import t

from .conftest import wait_for_app

pytestmark = pytest.mark.browser


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.locator('[data-testid="stMain"]').inner_text()


def test_a_tab_click_runs_that_tab_and_the_url_names_it(server, page):
    page.goto(f"{server.url}/funnel")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    km_note = t("funnel.km.note", "en")
    assert km_note not in main.inner_text()  # the time tab has not run
    page.get_by_role("tab", name=t("funnel.tab.time", "en")).click()
    page.wait_for_url(re.compile(r"funnel_tab=time"), timeout=60_000)
    wait_for_app(page)
    assert km_note in main.inner_text()
    _no_exception(page)
    # the link opens the same tab
    page.goto(f"{server.url}/funnel?funnel_tab=time")
    wait_for_app(page)
    assert km_note in page.locator('[data-testid="stMain"]').inner_text()
    selected = page.locator('[role="tab"][aria-selected="true"]').first.inner_text()
    assert selected.strip() == t("funnel.tab.time", "en")
    _no_exception(page)


def test_a_chart_csv_is_made_on_click(server, page):
    page.goto(f"{server.url}/funnel")
    wait_for_app(page)
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=t("funnel.data", "en"))
    expander.first.locator("summary").click()
    button = expander.first.locator('[data-testid="stDownloadButton"] button')
    button.wait_for(state="visible")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("aivshi_funnel_stages")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) > 2 and "," in lines[0]
    assert not [line for line in lines if re.match(r"^[=+@]", line)]

"""A real browser against ``streamlit run app.py``: every page opens without an exception and
with its title, a filter changes the URL, the language switch works, a sample file uploads and
loads on the Data page, and a CSV downloads (formula-escaped, with a BOM)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import (
    ROOT,
    confirm_replace_and_wait_for_load,
    pick_one_role_family,
    shot,
    wait_for_app,
)

PAGES = {  # url path -> English title (h1)
    "": "Human-first vs automation-first",
    "funnel": None,
    "offers": None,
    "quality": None,
    "business_case": None,
    "fairness": None,
    "survey": None,
    "presenter": None,
    "data": "Load your own data",
}


def _no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in text


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_opens_with_a_title(server, page, path):
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)
    _no_exception(page)
    title = page.locator("h1").first.inner_text().strip()
    assert title
    if PAGES[path]:
        assert title == PAGES[path]
    assert page.title() == "AI vs HI" or page.title()
    shot(page, f"page_{path or 'overview'}")


def test_a_filter_changes_the_url(server, page):
    page.goto(server.url)
    wait_for_app(page)
    # the role family filter by its label (the four filters render lazily, in any order)
    picked = pick_one_role_family(page)
    wait_for_app(page)
    _no_exception(page)
    assert picked
    chosen = page.url.split("role_family=")[1].split("&")[0]
    assert "," not in chosen and "%2C" not in chosen, page.url  # exactly one value
    # the link reproduces the filter in a fresh tab
    url = page.url
    other = page.context.new_page()
    other.goto(url)
    wait_for_app(other)
    assert "role_family=" in other.url
    shot(page, "filter_in_url")
    other.close()


def test_language_switch(server, page):
    page.goto(server.url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Nederlands", exact=True).click()
    page.wait_for_url(re.compile(r"lang=nl"), timeout=30_000)
    wait_for_app(page)
    assert page.locator("h1").first.inner_text().strip() != PAGES[""]
    assert "Overzicht" in page.locator('[data-testid="stSidebar"]').inner_text()
    _no_exception(page)
    shot(page, "overview_nl")


def test_download_a_csv(server, page):
    page.goto(server.url)
    wait_for_app(page)
    page.locator('[data-testid="stDownloadButton"]').first.wait_for(state="attached")
    expander = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator('[data-testid="stDownloadButton"]')
    )
    if expander.count():  # the table and its download sit in a closed expander
        expander.first.locator("summary").click()
    button = page.locator('[data-testid="stDownloadButton"] button').first
    button.wait_for(state="visible")
    with page.expect_download() as info:
        button.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert download.suggested_filename.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM so Excel opens accents right
    text = data.decode("utf-8-sig")
    assert "," in text.splitlines()[0]
    for line in text.splitlines():
        assert not re.match(r"^[=+@]", line)


def test_upload_a_sample_on_the_data_page(server, page):
    # runs last in this module: it replaces the demo data of this server
    page.goto(f"{server.url}/data")
    wait_for_app(page)
    sample = ROOT / "data" / "samples" / "greenhouse_applications.csv"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(sample)
    )
    load = page.get_by_role("button", name="Load", exact=True)
    load.wait_for()
    confirm_replace_and_wait_for_load(page)
    shot(page, "data_upload_report")
    load.click()
    page.get_by_text(re.compile(r"Loaded 50 rows from greenhouse_applications\.csv")).wait_for(
        timeout=60_000
    )
    _no_exception(page)
    shot(page, "data_loaded")
    page.goto(server.url)
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "demo data" not in main.lower()
    _no_exception(page)

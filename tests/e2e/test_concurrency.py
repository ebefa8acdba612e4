"""Several browser sessions read the real server while another session loads a file.

Three readers keep reloading the Overview; a writer uploads and loads a sample on the Data page.
Every render a reader sees is either the old data (the demo: banner, its as-of date, its counts)
or the new data (the sample), never a mix of the two (say the demo banner over the sample's
counts); no render shows an error; and after the load every reader sees the new data (the caches
keyed by the data version refresh)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

import pytest

from .conftest import (
    CHROMIUM,
    LAUNCH_ARGS,
    ROOT,
    SCREENSHOTS,
    confirm_replace_and_wait_for_load_async,
    start_server,
    stop_server,
)

async_api = pytest.importorskip("playwright.async_api")

READERS = 3
SAMPLE = ROOT / "data" / "samples" / "greenhouse_applications.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = start_server(tmp_path_factory.mktemp("concurrency"))
    yield s
    stop_server(s)


async def _settled(page) -> None:
    await page.wait_for_selector("h1", timeout=60_000)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    await page.locator("text=Human-first:").first.wait_for(timeout=60_000)


async def _observe(page) -> tuple:
    """What one complete render says about the data: (demo banner?, as-of, human, automation).

    Retries briefly while the render is still arriving (on a busy machine the cards can come a
    moment after the status widget disappears); a render that never completes fails the test."""
    for _ in range(40):
        main = await page.locator('[data-testid="stMain"]').inner_text()
        side = await page.locator('[data-testid="stSidebar"]').inner_text()
        errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        assert await errors.count() == 0, main[:500]
        as_of = re.search(r"Data as of ([^\n]+)", side)
        counts = re.search(r"Human-first: ([\d,]+)\s*\n+\s*Automation-first: ([\d,]+)\s*\n", main)
        running = await page.locator('[data-testid="stStatusWidget"]').count()
        if as_of and counts and not running:
            return (
                "demo data" in main.lower(),
                as_of.group(1).strip(),
                int(counts.group(1).replace(",", "")),
                int(counts.group(2).replace(",", "")),
            )
        await page.wait_for_timeout(500)
    raise AssertionError(f"the Overview never finished rendering: {main[:500]}")


async def _scenario(url: str) -> tuple[tuple, tuple, list[list[tuple]], float]:
    async with async_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        contexts = [await browser.new_context() for _ in range(READERS + 1)]
        pages = [await c.new_page() for c in contexts]
        for page in pages[:READERS]:
            await page.goto(url)
            await _settled(page)
        old = await _observe(pages[0])
        seen: list[list[tuple]] = [[] for _ in range(READERS)]
        done = asyncio.Event()

        async def reader(i: int) -> None:
            page = pages[i]
            after_done = 0
            while after_done < 2:  # keep reading until two full renders after the load
                if done.is_set():
                    after_done += 1
                await page.reload()
                await _settled(page)
                seen[i].append(await _observe(page))

        async def writer() -> float:
            page = pages[READERS]
            await page.goto(f"{url}/data")
            await page.wait_for_selector("h1", timeout=60_000)
            await page.locator(
                '[data-testid="stFileUploader"] input[type="file"]'
            ).first.set_input_files(str(SAMPLE))
            await confirm_replace_and_wait_for_load_async(page)
            start = asyncio.get_running_loop().time()
            await page.get_by_role("button", name="Load", exact=True).click()
            await page.get_by_text(re.compile(r"Loaded 50 rows")).wait_for(timeout=60_000)
            done.set()
            return asyncio.get_running_loop().time() - start

        results = await asyncio.gather(*(reader(i) for i in range(READERS)), writer())
        fresh = await contexts[0].new_page()
        await fresh.goto(url)
        await _settled(fresh)
        new = await _observe(fresh)
        SCREENSHOTS.mkdir(exist_ok=True)
        await fresh.screenshot(path=str(SCREENSHOTS / "concurrency_after_load.png"))
        await browser.close()
        return old, new, seen, results[-1]


def test_readers_see_old_or_new_data_never_a_mix(server):
    # A thread of its own: the sync Playwright of tests/e2e/test_browser.py keeps an event loop
    # running in the main thread for the whole session, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        old, new, seen, load_seconds = pool.submit(asyncio.run, _scenario(server.url)).result()
    assert old[0] is True and new[0] is False, (old, new)
    assert new[2] + new[3] == 50 and old != new
    for observations in seen:
        assert observations, "every reader rendered at least once"
        for obs in observations:
            assert obs in (old, new), f"a mixed render: {obs} (old {old}, new {new})"
        assert observations[-1] == new, "after the load the reader's caches refreshed"
    assert load_seconds < 60
    # the readers were reading across the load: old renders before it, new ones after it
    assert sum(obs == old for o in seen for obs in o) >= 1
    print(f"renders per reader: {[len(o) for o in seen]}; load {load_seconds:.1f} s")
    log = server.log.read_text()
    assert "Traceback" not in log, log[-3000:]

"""What a component test's script needs: the PageContext the router would build (English, no
filters, the loaded data's facts). Imported inside ``AppTest.from_function`` scripts."""

from __future__ import annotations

from analytics.domain import Filters
from ui import cache, data
from ui.context import PageContext, set_page_context


def page_context(lang: str = "en") -> PageContext:
    ctx = PageContext(lang=lang, filters=Filters(), info=cache.dataset_info(data.data_version()))
    set_page_context(ctx)
    return ctx

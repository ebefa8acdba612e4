"""Run every page of the app, the slides and the exports on one database, and collect failures.

Shared by the robustness tests (a modest sweep in the normal suite, the full one under ``slow``)
and usable by hand (``python -m tests.robustness.sweep``) to look for new failures.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import report, store
from analytics.charts.empty import has_points
from analytics.domain import Filters
from analytics.i18n import t

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = (
    "pages/overview.py",
    "pages/funnel.py",
    "pages/offers.py",
    "pages/quality.py",
    "pages/business_case.py",
    "pages/fairness.py",
    "pages/survey.py",
    "pages/presenter.py",
    "pages/data.py",
)


@dataclass(frozen=True)
class Failure:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def page_failures(
    db: Path,
    langs: tuple[str, ...] = ("en", "nl"),
    pages: tuple[str, ...] = PAGES,
    params: dict[str, str] | None = None,
) -> list[Failure]:
    """Every page in every language through AppTest (with URL ``params``, e.g. a one-day date
    range): an exception or the generic error is a failure."""
    import os

    os.environ[store.DB_ENV_VAR] = str(db)
    failures: list[Failure] = []
    for lang in langs:
        st.cache_data.clear()
        st.cache_resource.clear()
        generic = t("error.generic", lang)
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        at.query_params.update(params or {})
        at.run()
        for page in pages:
            at.switch_page(str(Path(APP).parent / page)).run()
            where = f"{page} [{lang}{' ' + str(params) if params else ''}]"
            if at.exception:
                failures.append(Failure(where, f"exception: {at.exception[0].value[:300]}"))
            # Other error boxes are findings drawn in red (a business case that does not pay).
            if any(e.value == generic for e in at.error):
                failures.append(Failure(where, "the generic error"))
            if not at.title and not at.warning and not at.info:
                failures.append(Failure(where, "neither a title nor a message"))
    st.cache_data.clear()
    st.cache_resource.clear()
    return failures


def report_failures(db: Path, langs: tuple[str, ...] = ("en", "nl")) -> list[Failure]:
    """The presenter's deck, the HTML report and the PowerPoint deck, built without the app."""
    failures: list[Failure] = []
    con = store.connect(db)
    try:
        cur = con.cursor()
        for lang in langs:
            try:
                deck = report.build_deck(cur, Filters(), lang)
                for slide in deck.slides:
                    _check_figure(slide.figure, f"slide {slide.key} [{lang}]", failures)
                report.render(deck, "html")
                report.render(deck, "pptx")
                report.tables_excel(deck)
            except Exception as e:  # noqa: BLE001 - the sweep reports every kind of failure
                logging.getLogger(__name__).exception("report failed")
                failures.append(Failure(f"report [{lang}]", f"{type(e).__name__}: {e}"[:300]))
    finally:
        con.close()
    return failures


def _check_figure(fig, where: str, failures: list[Failure]) -> None:
    """A chart with no number to draw must say so (``charts.empty.mark_empty``), not show
    plotly's bare default axes (-1..4)."""
    if not has_points(fig) and fig.layout.xaxis.visible is not False:
        failures.append(Failure(where, "empty chart with axes"))


if __name__ == "__main__":
    import sys

    from tests.robustness import variety

    names = set(sys.argv[1:])
    for v in variety.VARIANTS:
        if names and v.name not in names:
            continue
        path = Path(tempfile.mkdtemp()) / "v.duckdb"
        variety.build_database(path, v)
        con = store.connect(path)
        first = con.execute("SELECT min(applied_on) FROM applications").fetchall()[0][0]
        con.close()
        one_day = {"dates": f"{first}..{first}"}
        found = (
            report_failures(path)
            + page_failures(path, ("en",))
            + page_failures(path, ("nl",), params=one_day)
        )
        print(v.name, "OK" if not found else "")
        for f in found:
            print("   ", f)

"""The everything-measured slide and tables: the numbers are the metric's (rounded once), the
slide sits after the headline only when chosen, the exports (CSV, Excel, HTML, PowerPoint) carry
the slide's table unchanged, and nothing is shown for a pipeline under the privacy threshold."""

from __future__ import annotations

import io
import math
import zipfile
from html import escape as _escape

import pandas as pd
import pytest

from analytics import report, store
from analytics.domain import Filters
from analytics.i18n import t
from analytics.metrics import causal
from analytics.report import causal_slide as cs
from analytics.report import slides
from analytics.report.titles import split_title


@pytest.fixture(scope="module")
def cur(demo_db):
    con = store.connect(demo_db(4000, 5), read_only=True)
    yield con.cursor()
    con.close()


@pytest.fixture(scope="module")
def effects(cur):
    info = store.dataset_info(cur)
    return causal.adjusted_effects(cur, Filters(), info.as_of, outcomes=cs.OVERVIEW_OUTCOMES)


def test_summary_frame_is_the_metric_rounded_once(effects):
    frame = cs.summary_frame(effects, cs.OVERVIEW_OUTCOMES)
    assert list(frame.outcome) == list(cs.OVERVIEW_OUTCOMES)
    for row in frame.itertuples():
        eff = effects.effects[row.outcome]
        est = eff.headline
        if est is None:
            assert pd.isna(row.diff)
            continue
        assert row.method == eff.analysis.headline_method
        assert row.diff == round(100 * est.diff, 2)
        assert row.low == round(100 * est.diff_ci.low, 2)
        assert row.high == round(100 * est.diff_ci.high, 2)
        assert row.ratio == round(est.ratio, 2)
        assert row.n == eff.analysis.n
        assert row.crude_diff == round(100 * eff.crude.diff, 2)
        if eff.e_value is not None:
            assert row.e_value == round(eff.e_value.point, 2)
        assert row.low <= row.diff <= row.high
    # The 4,000-application demo estimates withdrawal and hire rate; its offers (33 refusals for
    # 37 parameters) and 12-month retention are too few to adjust for every factor at once.
    assert frame["diff"].notna().sum() >= 2, "the 4,000-application demo estimates two rates"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_deck_gets_the_slide_after_the_headline_only_when_chosen(cur, effects, lang):
    kinds = ("headline", "offers")
    plain = slides.build_deck(cur, Filters(), lang, kinds=kinds)
    assert [s.key for s in plain.slides] == ["headline", "offers"]
    deck = slides.build_deck(cur, Filters(), lang, kinds=kinds, adjust_by=cs.EVERYTHING)
    assert [s.key for s in deck.slides] == ["headline", "causal", "offers"]
    # The headline slide is then the crude one (the adjusted answer has its own slide).
    assert deck.slides[0].title == plain.slides[0].title
    slide = deck.slides[1]
    # The four rates as on the Overview, then the quality composite with its E-value.
    rates = slide.table.iloc[: len(cs.OVERVIEW_OUTCOMES)]
    pd.testing.assert_frame_equal(rates, cs.summary_table(effects, lang))
    assert len(slide.table) == len(cs.SLIDE_OUTCOMES)
    assert slide.table.iloc[-1, 0] == t("causal.outcome.quality_composite", lang)
    assert t("causal.footnote.methods", lang) in slide.footnote
    # The native chart's numbers are the table's.
    adjusted = slide.chart.series[1].values
    frame = cs.summary_frame(effects, cs.OVERVIEW_OUTCOMES)
    assert [None if v is None else v for v in adjusted] == [
        None if pd.isna(v) else v for v in frame["diff"]
    ]
    if lang == "nl":
        assert " u " not in f" {slide.title} {slide.finding} {slide.footnote} "


def test_exports_carry_the_slide_table(cur, effects):
    deck = slides.build_deck(cur, Filters(), "en", kinds=("causal",), adjust_by=cs.EVERYTHING)
    assert [s.key for s in deck.slides] == ["causal"]
    table = deck.slides[0].table
    with zipfile.ZipFile(io.BytesIO(report.tables_csv_zip(deck))) as z:
        names = [n for n in z.namelist() if n.endswith(".csv")]
        assert names
        csvs = [pd.read_csv(z.open(n)) for n in names]
    got = next(c for c in csvs if t("causal.table.outcome", "en") in c.columns)
    col = f"{t('causal.table.adjusted', 'en')} ({t('causal.export.points', 'en')})"
    assert got[col].tolist() == pytest.approx(table[col].astype(float).tolist(), nan_ok=True)
    html = report.render(deck, "html").decode()
    first = table[col].dropna().iloc[0]
    short, _numbers = split_title(deck.slides[0].title)  # the report's short title (issue 20)
    assert _escape(short) in html
    pptx = report.render(deck, "pptx")
    assert pptx[:2] == b"PK"
    assert math.isfinite(first)


def test_overview_columns_join_by_metric(cur, effects):
    from analytics.metrics import overview

    info = store.dataset_info(cur)
    base = overview.to_table(overview.headline(cur, Filters(), as_of=info.as_of), "nl")
    out = cs.overview_columns(base, effects, "nl")
    assert len(out) == len(base)
    prefix = t("causal.export.prefix", "nl")
    col = f"{prefix}: {t('causal.table.adjusted', 'nl')} ({t('causal.export.points', 'nl')})"
    metric_col = t("overview.col.metric", "nl")
    for outcome, row in (
        cs.summary_frame(effects, cs.OVERVIEW_OUTCOMES).set_index("outcome").iterrows()
    ):
        got = out.loc[out[metric_col] == t(f"metric.{outcome}", "nl"), col]
        assert len(got) == 1
        assert (pd.isna(got.iloc[0]) and pd.isna(row["diff"])) or got.iloc[0] == row["diff"]
    # Metrics that have no adjusted answer (time to hire, ...) stay empty.
    assert out[col].isna().sum() >= len(base) - len(cs.OVERVIEW_OUTCOMES)


def test_a_pipeline_under_the_threshold_gets_no_numbers(cur):
    # Filter to a sliver where a pipeline has fewer than 5 decided applications.
    info = store.dataset_info(cur)
    one = cur.execute(
        "SELECT role_family FROM applications GROUP BY ALL ORDER BY count(*) LIMIT 1"
    ).fetchone()[0]
    effects = causal.adjusted_effects(
        cur, Filters(role_family=(one,)), info.as_of, outcomes=cs.OVERVIEW_OUTCOMES
    )
    frame = cs.summary_frame(effects, cs.OVERVIEW_OUTCOMES)
    for row in frame.itertuples():
        eff = effects.effects[row.outcome]
        if min(eff.n_treated, eff.n_control) < 5:
            assert pd.isna(row.diff) and pd.isna(row.crude_diff) and pd.isna(row.n)


def test_with_causal_places_it_once():
    assert cs.with_causal(("headline", "funnel")) == ("headline", "causal", "funnel")
    assert cs.with_causal(("funnel",)) == ("causal", "funnel")
    assert cs.with_causal(("headline", "causal")) == ("headline", "causal")


def test_dutch_causal_texts_say_je_never_u():
    import json
    from pathlib import Path

    import analytics

    texts = json.loads(
        (Path(analytics.__file__).parent / "locales" / "nl" / "causal.json").read_text("utf-8")
    )
    for key, text in texts.items():
        words = text.replace(",", " ").replace(".", " ").split()
        assert not {"u", "uw", "U", "Uw"} & set(words), key


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_slide_carries_the_composite_and_its_e_value(demo_con, lang):
    # The default demo (the 4,000-application one is too small for every component).
    cur = demo_con.cursor()
    info = store.dataset_info(cur)
    effects = causal.adjusted_effects(cur, Filters(), info.as_of, outcomes=cs.SLIDE_OUTCOMES)
    comp = effects.composite
    assert comp.diff is not None and comp.e_value is not None
    frame = cs.summary_frame(effects, cs.SLIDE_OUTCOMES)
    row = frame.set_index("outcome").loc["quality_composite"]
    assert row["diff"] == round(comp.diff, 2)
    assert (row["low"], row["high"]) == (round(comp.ci.low, 2), round(comp.ci.high, 2))
    assert row["e_value"] == round(comp.e_value.point, 2)
    assert row["e_value_ci"] == round(comp.e_value.ci_limit, 2)
    assert pd.isna(row["ratio"]) and pd.isna(row["crude_diff"]) and pd.isna(row["n"])
    slide = cs.slide_from_effects(effects, Filters(), info, lang)
    assert slide is not None
    pd.testing.assert_frame_equal(slide.table, cs.summary_table(effects, lang, cs.SLIDE_OUTCOMES))
    from analytics import findings_causal as fcz

    assert fcz.composite_e_value_sentence(comp, lang) in slide.finding
    assert t("causal.footnote.composite", lang) in slide.footnote
    # The export (CSV of the deck's tables) carries the composite's E-value.
    deck = slides.build_deck(cur, Filters(), lang, kinds=("causal",), adjust_by=cs.EVERYTHING)
    with zipfile.ZipFile(io.BytesIO(report.tables_csv_zip(deck))) as z:
        csvs = [pd.read_csv(z.open(n)) for n in z.namelist() if n.endswith(".csv")]
    got = next(c for c in csvs if t("causal.table.outcome", lang) in c.columns)
    name = t("causal.outcome.quality_composite", lang)
    e_col = t("causal.export.evalue", lang)
    values = got.loc[got[t("causal.table.outcome", lang)] == name, e_col]
    assert values.astype(float).tolist() == [round(comp.e_value.point, 2)]

"""The benchmark (structure and sanity, never timings) and the performance changes it drove:
derived tables give the same funnel as the on-the-fly queries, the grouped log-rank equals the
per-application one, batched loads are all or nothing (the chunked demo build: test_demo.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from analytics import bench, demo, store
from analytics import stats as astats
from analytics.bench import tasks
from analytics.domain import Filters
from analytics.metrics import common, funnel, overview

SMOKE = 300  # applications: a tiny database, so the smoke test takes seconds


def test_bench_smoke_in_process(demo_db):
    """The page analytics task on a tiny database, in this process (no child processes): every
    page measured, the summary and the table built from it."""
    r = {
        "applications": SMOKE,
        "runs": 1,
        "machine": bench.machine(),
        "analytics": tasks.task_analytics(str(demo_db(SMOKE, 1)), 1),
    }
    r["summary"] = bench.summarize(r)
    pages = r["analytics"]["pages"]
    assert {"overview", "funnel", "offers", "quality"} <= set(pages)
    assert r["analytics"]["missing_pages"] == []
    assert r["analytics"]["peak_rss_mb"] > 0
    for page in pages.values():
        assert page["cold_s"] > 0 and page["warm_s"] > 0 and page["warm_cpu_s"] >= 0
        assert math.isclose(page["cold_s"], sum(c["cold_s"] for c in page["calls"].values()))
    assert r["summary"]["targets"] == {}  # targets are checked at 1M and 10M only
    assert "page analytics" in bench.table(r) and "cpu s" in bench.table(r)


@pytest.fixture(scope="module")
def bench_result(tmp_path_factory):
    """The whole bench (child processes) on a tiny database; about 20-60 s, hence ``slow``."""
    workdir = tmp_path_factory.mktemp("bench")
    return bench.run(SMOKE, runs=1, page_runs=1, workdir=workdir, log=lambda _s: None)


@pytest.mark.slow
def test_bench_result_has_every_part_and_sane_numbers(bench_result):
    r = bench_result
    assert r["applications"] == SMOKE
    assert r["rows"]["applications"] == SMOKE
    assert r["rows"]["stage_events"] > r["rows"]["applications"]
    for part in ("demo", "analytics", "apptest", "import", "baseline"):
        assert "error" not in r[part], r[part]
        assert r[part]["peak_rss_mb"] > 0
    pages = r["analytics"]["pages"]
    assert {"overview", "funnel", "offers", "quality"} <= set(pages)
    for page in pages.values():
        assert page["cold_s"] > 0 and page["warm_s"] > 0
        assert math.isclose(page["cold_s"], sum(c["cold_s"] for c in page["calls"].values()))
    for page in r["apptest"]["pages"].values():
        assert page["errors"] == []
        assert page["first_s"] > 0 and page["uncached_s"] > 0 and page["cached_s"] > 0
    assert r["import"]["rows"] == SMOKE
    assert r["baseline"]["median_s"] > 0 and r["baseline"]["load_s"] > 0
    s = r["summary"]
    assert s["speedup_vs_baseline"] > 0
    assert s["memory_ratio_app_to_baseline"] > 0
    assert s["targets"] == {}  # targets are checked at 1M and 10M only
    assert r["machine"]["cpus"] >= 1 and r["machine"]["duckdb"]


@pytest.mark.slow
def test_bench_table_and_json_round_trip(bench_result):
    text = bench.table(bench_result)
    for word in ("page analytics", "page run", "import", "pandas baseline", "peak RSS"):
        assert word in text
    assert json.loads(json.dumps(bench_result, default=str))["applications"] == SMOKE


def test_summary_checks_the_1m_targets():
    fake = {
        "applications": 1_000_000,
        "analytics": {
            "pages": {"a": {"cold_s": 0.5, "warm_s": 0.1}, "b": {"cold_s": 1.5, "warm_s": 0.2}},
            "peak_rss_mb": 900,
        },
        "apptest": {
            "pages": {"a": {"uncached_s": 1.0, "first_s": 2.0}},
            "peak_rss_mb": 1000,
        },
        "import": {"seconds": 6.0},
        "baseline": {"median_s": 1.0, "load_s": 1.0, "peak_rss_mb": 3000},
    }
    s = bench.summarize(fake)
    assert s["targets"] == {
        "warm<=150ms": False,
        "cold<=1s": False,
        "page<=1.5s": True,
        "import<=10s": True,
        "rss<=1.5GB": True,
    }
    assert s["speedup_vs_baseline"] == pytest.approx(1.0 / 0.3)
    assert s["memory_ratio_app_to_baseline"] == pytest.approx(0.3)


# --- derived tables: same answers as the on-the-fly queries ----------------------------------


def _no_derived(cur):
    cur.execute(f"DROP TABLE {store.DERIVED_INFO_TABLE}")


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(role_family=("engineering",), date_from=dt.date(2025, 6, 1)),
        Filters(region=("NL", "DE"), source=("referral",)),
    ],
)
def test_derived_tables_give_the_same_funnel(filters):
    con = store.connect(":memory:")
    demo.build(con, 3000, seed=11)
    assert store.derived_fresh(con)
    as_of = store.dataset_info(con).as_of

    def everything():
        f = funnel.funnel(con, filters, adjust_by="seniority")
        return {
            "stages": f.stages,
            "comparison": f.comparison,
            "open": f.open_applications,
            "withdrawals": funnel.withdrawal_reasons(con, filters),
            "contact": funnel.first_human_contact(con, filters, include_open=True),
            "formats": funnel.touchpoint_formats(con, filters),
            "times": funnel.stage_times(con, filters),
            "tto": funnel.time_to_offer(con, filters, as_of).curves,
            "breakdown": funnel.breakdown(con, filters, "region", target="hired"),
            "catalogue": funnel.stage_catalogue(con),
        }

    fast = everything()
    _no_derived(con)
    assert not store.derived_fresh(con)
    slow = everything()
    for key, value in fast.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, slow[key], check_dtype=False, obj=key)
        else:
            assert value == slow[key], key


@pytest.mark.parametrize("adjust_by", [None, "region"])
@pytest.mark.parametrize(
    "filters", [Filters(), Filters(seniority=("senior",), date_to=dt.date(2026, 3, 31))]
)
def test_derived_tables_give_the_same_overview(filters, adjust_by):
    con = store.connect(":memory:")
    demo.build(con, 3000, seed=12)
    as_of = store.dataset_info(con).as_of
    fast = overview.headline(con, filters, as_of=as_of, adjust_by=adjust_by)
    parts = (
        overview._rate_counts(con, filters, adjust_by),
        overview._time_to_hire_counts(con, filters),
        common.retention_counts(con, filters, as_of),
    )
    _no_derived(con)
    slow = overview.headline(con, filters, as_of=as_of, adjust_by=adjust_by)
    assert fast == slow
    for got, want in zip(
        parts,
        (
            overview._rate_counts(con, filters, adjust_by),
            overview._time_to_hire_counts(con, filters),
            common.retention_counts(con, filters, as_of),
        ),
        strict=True,
    ):
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_an_older_database_without_a_newer_derived_table_falls_back():
    con = store.connect(":memory:")
    demo.build(con, 800, seed=4)
    as_of = store.dataset_info(con).as_of
    want = overview.headline(con, Filters(), as_of=as_of)
    con.execute("DROP TABLE app_outcomes")
    assert store.derived_fresh(con) and not store.derived_fresh(con, "app_outcomes")
    assert overview.headline(con, Filters(), as_of=as_of) == want


def test_re_entries_and_unknown_stages_same_with_derived_tables():
    """An application re-entering a stage counts once with its latest event; a stage missing from
    the catalogue is still placed by its order, with and without the derived tables."""
    con = store.connect(":memory:")
    apps = pd.DataFrame(
        {
            "application_id": [f"A{i}" for i in range(12)],
            "applied_on": [dt.date(2025, 1, 1)] * 12,
            "pipeline": ["human_first"] * 6 + ["automation_first"] * 6,
            "status": ["rejected", "withdrawn", "hired"] * 4,
        }
    )
    rows = []
    for i in range(12):
        rows.append((f"A{i}", "screen", 1, dt.date(2025, 1, 2), "advanced"))
        rows.append(
            (
                f"A{i}",
                "take_home",
                2,
                dt.date(2025, 1, 5),
                ["rejected", "withdrawn", "advanced"][i % 3],
            )
        )
        if i % 3 == 2:
            rows.append((f"A{i}", "screen", 1, dt.date(2025, 1, 9), "advanced"))  # re-entry
            rows.append((f"A{i}", "offer", 5, dt.date(2025, 1, 20), "advanced"))
    events = pd.DataFrame(
        rows, columns=["application_id", "stage", "stage_order", "entered_on", "result"]
    )
    store.load_tables(con, {"applications": apps, "stage_events": events, "stages": demo.STAGES})
    fast = funnel.stage_counts(con, Filters())
    _no_derived(con)
    slow = funnel.stage_counts(con, Filters())
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
    assert "take_home" in set(fast.stage)
    screen = fast[(fast.stage == "screen") & (fast.pipeline == "human_first")]
    assert int(screen.reached.iloc[0]) == 6


def test_survey_load_keeps_derived_tables_current_and_undo_rebuilds_them():
    con = store.connect(":memory:")
    demo.build(con, 1000, seed=3)
    survey = {
        "surveys": pd.DataFrame({"survey_id": ["s2"], "name": ["x"]}),
    }
    version = store.load_tables(con, survey, mode="append", keep_previous=True)
    assert store.derived_fresh(con) and store.dataset_info(con).data_version == version
    assert "derived_version" not in store.get_meta(con)  # bookkeeping stays out of meta
    store.undo_last_load(con)
    assert store.derived_fresh(con)
    n = con.execute("SELECT count(*) FROM app_summary").fetchall()[0][0]
    assert (
        n == con.execute("SELECT count(DISTINCT application_id) FROM stage_events").fetchall()[0][0]
    )


# --- grouped log-rank ------------------------------------------------------------------------


def _grouped(durations, observed):
    frame = pd.DataFrame({"days": durations, "e": observed})
    return (
        frame.groupby("days")
        .agg(events=("e", "sum"), censored=("e", lambda s: int((~s).sum())))
        .reset_index()
        .astype({"events": int})
    )


def test_grouped_logrank_matches_scipy_two_groups():
    rng = np.random.default_rng(4)
    groups = {}
    raw = {}
    for name, scale in (("human_first", 30.0), ("automation_first", 36.0)):
        t = np.floor(rng.exponential(scale, 400))
        c = np.floor(rng.uniform(0, 90, 400))
        d = np.minimum(t, c)
        obs = t <= c
        groups[name] = _grouped(d, obs)
        raw[name] = (d, obs)
    chi2, p = funnel.logrank_counts(groups)
    (t1, e1), (t2, e2) = raw.values()
    ref = sps.logrank(
        sps.CensoredData(uncensored=t1[e1], right=t1[~e1]),
        sps.CensoredData(uncensored=t2[e2], right=t2[~e2]),
    )
    assert chi2 == pytest.approx(float(ref.statistic) ** 2, rel=1e-9)
    assert p == pytest.approx(float(ref.pvalue), rel=1e-9)


def test_grouped_logrank_matches_k_sample_three_groups():
    rng = np.random.default_rng(9)
    groups, raw = {}, {}
    for name, scale in (("a", 20.0), ("b", 25.0), ("c", 40.0)):
        t = np.floor(rng.exponential(scale, 150))
        obs = rng.random(150) < 0.8
        groups[name] = _grouped(t, obs)
        raw[name] = (t, obs)
    chi2, p = funnel.logrank_counts(groups)
    ref = astats.logrank(raw)
    assert chi2 == pytest.approx(ref.statistic, rel=1e-9)
    assert p == pytest.approx(ref.p_value, rel=1e-9)


# --- batched loads ---------------------------------------------------------------------------


def test_batched_load_is_all_or_nothing():
    con = store.connect(":memory:")
    demo.build(con, 500, seed=1)
    before = con.execute("SELECT count(*) FROM applications").fetchall()[0][0]

    def batches():
        yield {
            "applications": pd.DataFrame(
                {
                    "application_id": ["X1"],
                    "applied_on": [dt.date(2025, 1, 1)],
                    "pipeline": ["human_first"],
                    "status": ["open"],
                }
            )
        }
        yield {
            "applications": pd.DataFrame(
                {
                    "application_id": ["X1"],
                    "applied_on": [dt.date(2025, 1, 1)],
                    "pipeline": ["human_first"],
                    "status": ["open"],
                }
            )
        }

    with pytest.raises(store.StoreError):
        store.load_table_batches(con, batches())
    assert con.execute("SELECT count(*) FROM applications").fetchall()[0][0] == before
    assert store.derived_fresh(con)


def test_filters_dataclass_is_hashable_for_the_bench_calls():
    # page_calls builds default Filters; a frozen dataclass keeps st.cache_data keys stable.
    assert dataclasses.is_dataclass(Filters) and hash(Filters()) == hash(Filters())


# --- candidate hashing in the import ----------------------------------------------------------


def test_fast_keyed_hash_equals_plain_hmac():
    """``IdKey.hash`` copies a prepared HMAC state per value (faster for large imports); it must
    give exactly RFC 2104's HMAC-SHA-256 as the standard library computes it from scratch."""
    import hashlib
    import hmac

    from analytics.store.idkey import HASH_CHARS, IdKey

    key = IdKey(secret=b"0123456789abcdef0123456789abcdef", source="test")
    for value in ("C0000001", "é-ü 名前", "", "jan.jansen@example.nl"):
        plain = hmac.new(key.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()
        assert key.hash(value) == plain[:HASH_CHARS]


# --- the browser mode ------------------------------------------------------------------------


@pytest.mark.browser
def test_browser_mode_table_shape(tmp_path):
    """The browser mode on a tiny database, one repeat, two pages (one with tabs): every part of
    the result is there and the table has a line per page and per tab (no timing assertions)."""
    from analytics.bench import browser

    pytest.importorskip("playwright.sync_api")
    if not os.path.exists(browser.CHROMIUM):
        pytest.skip(f"no Chromium at {browser.CHROMIUM}")
    db = tmp_path / "b.duckdb"
    con = store.connect(db)
    demo.build(con, SMOKE, seed=5)
    con.close()
    pages = {"": "overview", "funnel": "funnel"}
    r = {
        "applications": SMOKE,
        "runs": 1,
        "machine": bench.machine(),
        "browser": browser.run_browser(str(db), tmp_path, repeats=1, pages=pages, log=print),
    }
    b = r["browser"]
    assert set(b["pages"]) == {"overview", "funnel"}
    for e in b["pages"].values():
        assert e["errors"] == 0
        assert set(e["counts"]) == {"charts", "metrics", "tables", "tabs"}
        for part in ("warm", "cold", "floor"):
            assert 0 < e[part]["first_s"] <= e[part]["complete_s"]
        assert e["ratio_warm"] > 0 and e["ratio_cold"] > 0
    funnel_page = b["pages"]["funnel"]
    assert funnel_page["counts"]["tabs"] >= 2 and funnel_page["counts"]["charts"] >= 1
    assert len(funnel_page["warm"]["tabs_s"]) == funnel_page["counts"]["tabs"] - 1
    r["summary"] = bench.summarize(r)
    text = bench.table(r)
    assert "complete = script finished" in text and r["machine"]["cpu_model"] in text
    lines = text.splitlines()
    assert sum(1 for ln in lines if ln.startswith(("overview ", "funnel "))) == 2
    assert sum(1 for ln in lines if ln.startswith("  funnel tab ")) == len(
        funnel_page["warm"]["tabs_s"]
    )


def test_summary_checks_the_browser_targets_only_when_measured():
    page = {"warm": {"complete_s": 0.9}, "cold": {"complete_s": 2.5}, "ratio_warm": 1.2}
    s = bench.summarize({"applications": 1_000_000, "browser": {"pages": {"overview": page}}})
    assert s["targets"] == {
        "browser warm<=1.5x floor": True,
        "browser warm<=1s": True,
        "browser cold<=2s": False,
    }


def test_cli_has_the_browser_flag():
    from analytics.cli import parser

    args = parser().parse_args(["bench", "--browser", "--applications", "1000", "--runs", "1"])
    assert args.browser and args.applications == 1000
    assert not parser().parse_args(["bench"]).browser

from __future__ import annotations

import pandas as pd
import pytest

from analytics import demo, stats, store


def test_same_seed_same_data():
    a = demo.generate(3000, seed=7)
    b = demo.generate(3000, seed=7)
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    c = demo.generate(3000, seed=8)
    assert not a.tables["applications"].equals(c.tables["applications"])


def test_same_seed_same_database_content(tmp_path):
    rows = []
    for i in range(2):
        con = store.connect(tmp_path / f"d{i}.duckdb")
        demo.build(con, 2000, seed=11)
        rows.append(
            {
                t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("applications", "stage_events", "offers", "hires", "survey_answers")
            }
        )
        con.close()
    assert rows[0] == rows[1]


def test_demo_is_referentially_consistent(demo_con):
    q = demo_con.execute
    assert q("SELECT count(*) FROM applications").fetchall()[0][0] == demo.DEFAULT_APPLICATIONS
    orphans = q(
        "SELECT count(*) FROM stage_events e ANTI JOIN applications a USING (application_id)"
    ).fetchall()[0][0]
    assert orphans == 0
    # Every hired application has an accepted offer and a hires row.
    bad = q(
        """SELECT count(*) FROM applications a LEFT JOIN offers o USING (application_id)
           LEFT JOIN hires h USING (application_id)
           WHERE a.status = 'hired' AND (o.accepted IS DISTINCT FROM TRUE OR h.start_on IS NULL)"""
    ).fetchall()[0][0]
    assert bad == 0
    statuses = {r[0] for r in q("SELECT DISTINCT status FROM applications").fetchall()}
    assert statuses == set(store.STATUSES)
    formats = {r[0] for r in q("SELECT DISTINCT format FROM stage_events").fetchall()}
    assert {"recruiter_call", "engineer_call", "one_way_video", "auto_coding_test"} <= formats
    assert {"ai_cv_screen", "chatbot", "onsite", "panel"} <= formats


def _rate(con, where: str) -> float:
    return con.execute(
        f"SELECT avg(({where})::INT) FROM applications WHERE status <> 'open'"
    ).fetchall()[0][0]


def test_calibration_matches_published_ranges(demo_con):
    q = demo_con.execute
    acceptance = q("SELECT avg(accepted::INT) FROM offers WHERE accepted IS NOT NULL").fetchall()[
        0
    ][0]
    assert 0.80 <= acceptance <= 0.92
    hire_rate = _rate(demo_con, "status = 'hired'")
    assert 0.02 <= hire_rate <= 0.06
    agree = q(
        "SELECT avg((value_num >= 4)::INT) FROM survey_answers WHERE question_id = 'prefer_human'"
    ).fetchall()[0][0]
    assert 0.68 <= agree <= 0.82
    respondents = q("SELECT count(*) FROM survey_respondents").fetchall()[0][0]
    assert respondents == 1500


def test_role_family_confounds_the_hire_rate(demo_con):
    """Within role families human-first hires more; pooled it hires less (Simpson)."""
    rows = demo_con.execute(
        """SELECT role_family, pipeline, count(*) FILTER (WHERE status = 'hired'),
                  count(*) FILTER (WHERE status <> 'open')
           FROM applications GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    by_role: dict[str, dict[str, tuple[int, int]]] = {}
    for role, pipe, k, n in rows:
        by_role.setdefault(role, {})[pipe] = (k, n)
    tables = [
        [
            [v["human_first"][0], v["human_first"][1] - v["human_first"][0]],
            [v["automation_first"][0], v["automation_first"][1] - v["automation_first"][0]],
        ]
        for v in by_role.values()
    ]
    mh = stats.mantel_haenszel(tables)
    assert mh.odds_ratio > 1 > mh.crude_odds_ratio
    assert mh.reversal


def test_too_small_demo_is_refused():
    with pytest.raises(ValueError, match="at least 100"):
        demo.generate(10)


# --- chunked demo (moved from test_bench.py) -------------------------------------------------


def test_chunked_demo_has_unique_ids_and_current_summary_tables(monkeypatch):
    monkeypatch.setattr(demo, "CHUNK_APPLICATIONS", 1500)
    con = store.connect(":memory:")
    version = demo.build(con, 4000, seed=2)
    assert version == 3  # one committed load per chunk
    assert store.derived_fresh(con)
    n, ids, reqs_per_chunk = con.execute(
        "SELECT count(*), count(DISTINCT application_id), count(DISTINCT requisition_id) "
        "FROM applications"
    ).fetchall()[0]
    assert n == ids == 4000
    assert reqs_per_chunk >= 3 * (1333 // 35)
    meta = store.get_meta(con)
    assert meta["demo_applications"] == "4000" and meta["is_demo"] == "true"
    assert con.execute("SELECT count(*) FROM stages").fetchall()[0][0] == len(demo.STAGES)
    assert con.execute("SELECT count(*) FROM surveys").fetchall()[0][0] == 1
    orphans = con.execute(
        "SELECT count(*) FROM stage_events WHERE application_id NOT IN "
        "(SELECT application_id FROM applications)"
    ).fetchall()[0][0]
    assert orphans == 0
    logged = dict(
        con.execute(
            "SELECT table_name, sum(row_count) FROM load_log GROUP BY table_name"
        ).fetchall()
    )
    assert logged["applications"] == 4000


def test_sizes_up_to_a_chunk_are_unchanged():
    a = store.connect(":memory:")
    demo.build(a, 800, seed=5)
    data = demo.generate(800, 5)
    got = a.execute("SELECT * FROM applications ORDER BY application_id").df()
    want = data.tables["applications"].sort_values("application_id", ignore_index=True)
    assert list(got.application_id) == list(want.application_id)
    assert list(got.status) == list(want.status)

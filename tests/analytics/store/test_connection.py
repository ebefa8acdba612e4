"""store.connection: open_database builds the demo once; a failed first build leaves no file."""

from __future__ import annotations

import pytest

from analytics import demo, store


def test_open_database_builds_the_demo_once(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "app.duckdb"
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    assert store.db_path_from_env() == path
    con = store.open_database(build_demo=lambda c: demo.build(c, 500, seed=3))
    info = store.dataset_info(con)
    assert info.is_demo and info.applications == 500 and info.as_of == demo.AS_OF
    con.close()
    assert path.exists()
    assert not list(tmp_path.glob("sub/*.tmp*"))
    # A second open finds the file and does not rebuild.
    con = store.open_database(path, build_demo=lambda _c: pytest.fail("rebuilt"))
    assert store.dataset_info(con).applications == 500
    con.close()


def test_failed_first_build_leaves_no_database(tmp_path):
    path = tmp_path / "app.duckdb"

    def broken(c):
        demo.build(c, 200)
        raise RuntimeError("killed half-way")

    with pytest.raises(RuntimeError):
        store.open_database(path, build_demo=broken)
    assert not path.exists()

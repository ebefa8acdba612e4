"""The layer rules of DESIGN.md, enforced by walking the imports and calls of the source.

Data flow one way: file -> ingest -> store (DuckDB) -> metric query -> stats -> chart / finding
-> page or report. A page never builds SQL, analytics never touches Streamlit, charts never query
or compute statistics. The rules are read from the code with ``ast`` (imports anywhere in a
module, lazy ones inside functions included), so a violation names the file and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SQL_METHODS = {"execute", "executemany", "sql"}
# Packages that may run SQL: the store, the readers of uploads, the metric queries, and two
# tools that build or time the database (the demo generator and the benchmark).
SQL_ALLOWED = ("analytics/store", "analytics/ingest", "analytics/metrics", "analytics/demo",
               "analytics/bench")  # fmt: skip
# The benchmark times whole page runs through Streamlit's AppTest: a tool, not engine code.
STREAMLIT_ALLOWED = ("ui/", "pages/", "app.py", "analytics/bench")


@dataclass(frozen=True)
class Module:
    path: str  # relative to the repository, posix
    name: str  # dotted module name
    tree: ast.Module


def _module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> list[Module]:
    files = [ROOT / "app.py"]
    for folder in ("analytics", "ui", "pages"):
        files += sorted((ROOT / folder).rglob("*.py"))
    out = []
    for path in files:
        rel = path.relative_to(ROOT)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
        out.append(Module(rel.as_posix(), _module_name(rel), tree))
    return out


SOURCES = _sources()
MODULE_NAMES = {m.name for m in SOURCES}


def _imports(module: Module) -> list[tuple[str, int]]:
    """Every module imported anywhere in ``module`` (dotted name, line). ``from a import b``
    counts as importing ``a.b`` when that is a module of ours, else ``a``."""
    found = []
    package = module.name if module.path.endswith("__init__.py") else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in MODULE_NAMES else base, node.lineno))
    return found


def _sql_calls(module: Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_METHODS
    ]


def _under(module: Module, *prefixes: str) -> bool:
    return any(module.path == p or module.path.startswith(p) for p in prefixes)


def _is(name: str, *targets: str) -> bool:
    return any(name == t or name.startswith(t + ".") for t in targets)


def _report(violations: list[str]) -> None:
    assert not violations, "\n".join(violations)


def test_the_walk_sees_the_tree():
    paths = {m.path for m in SOURCES}
    assert "app.py" in paths and "analytics/domain.py" in paths
    assert any(p.startswith("pages/") for p in paths)
    assert any(p.startswith("analytics/metrics/") for p in paths)


def test_only_ui_pages_and_app_import_streamlit():
    _report(
        [
            f"{m.path}:{line} imports {name}"
            for m in SOURCES
            if not _under(m, *STREAMLIT_ALLOWED)
            for name, line in _imports(m)
            if _is(name, "streamlit")
        ]
    )


def test_only_store_ingest_and_metrics_run_sql():
    _report(
        [
            f"{m.path}:{line} runs SQL (.execute/.executemany/.sql)"
            for m in SOURCES
            if not _under(m, *SQL_ALLOWED)
            for line in _sql_calls(m)
        ]
    )


def test_charts_import_neither_stats_nor_store():
    _report(
        [
            f"{m.path}:{line} imports {name}"
            for m in SOURCES
            if _under(m, "analytics/charts/")
            for name, line in _imports(m)
            if _is(name, "analytics.stats", "analytics.store")
        ]
    )


def _metric_package(name: str) -> str:
    """``analytics.metrics.survey.banner`` -> ``analytics.metrics.survey``."""
    return ".".join(name.split(".")[:3])


def test_metric_modules_do_not_import_each_other():
    violations = []
    for m in SOURCES:
        if not _under(m, "analytics/metrics/") or m.name == "analytics.metrics":
            continue
        own = _metric_package(m.name)
        for name, line in _imports(m):
            if not _is(name, "analytics.metrics") or name == "analytics.metrics":
                continue
            target = _metric_package(name)
            if target in ("analytics.metrics.common", own):
                continue
            violations.append(f"{m.path}:{line} imports {name}")
    _report(violations)


def test_domain_imports_nothing_of_the_project():
    domain = next(m for m in SOURCES if m.path == "analytics/domain.py")
    _report(
        [
            f"{domain.path}:{line} imports {name}"
            for name, line in _imports(domain)
            if _is(name, "analytics", "ui", "pages")
        ]
    )


@pytest.mark.parametrize("rule", ["sql", "store"])
def test_pages_run_no_sql_and_import_no_store(rule):
    pages = [m for m in SOURCES if _under(m, "pages/")]
    assert pages
    if rule == "sql":
        _report([f"{m.path}:{line} runs SQL" for m in pages for line in _sql_calls(m)])
    else:
        _report(
            [
                f"{m.path}:{line} imports {name}"
                for m in pages
                for name, line in _imports(m)
                if _is(name, "analytics.store")
            ]
        )


def test_the_rules_catch_a_violation():
    # The walker itself: a chart that queries and imports the store is caught.
    tree = ast.parse("from analytics import store\n\ndef f(cur):\n    cur.execute('SELECT 1')\n")
    fake = Module("analytics/charts/fake.py", "analytics.charts.fake", tree)
    assert ("analytics.store", 1) in _imports(fake)
    assert _sql_calls(fake) == [4]

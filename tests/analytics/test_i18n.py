from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from analytics import i18n


def test_both_languages_have_the_same_keys_and_placeholders():
    en, nl = i18n.strings("en"), i18n.strings("nl")
    assert set(en) == set(nl)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", nl[key])), key
        assert nl[key].strip(), key


def test_numbers_follow_the_language():
    assert i18n.fmt_pct(0.842, "en") == "84.2%"
    assert i18n.fmt_pct(0.842, "nl") == "84,2%"
    assert i18n.fmt_num(12345.5, "en", 1) == "12,345.5"
    assert i18n.fmt_num(12345.5, "nl", 1) == "12.345,5"
    assert i18n.fmt_points(-0.091, "en", signed=True) == "-9.1 points"
    assert i18n.fmt_points(0.091, "nl") == "9,1 procentpunt"
    assert i18n.fmt_p(0.0004, "en") == "< 0.001"
    assert i18n.fmt_p(0.0432, "nl") == "0,043"
    assert i18n.fmt_pct(float("nan")) == i18n.MISSING


def test_dates_follow_the_language():
    assert i18n.fmt_date(dt.date(2025, 3, 12), "en") == "12 Mar 2025"
    assert i18n.fmt_date(dt.date(2025, 3, 12), "nl") == "12 mrt 2025"


def test_labels_and_fallbacks():
    assert i18n.label("pipeline", "human_first", "nl") == "Mens-eerst"
    assert i18n.label("role_family", "unknown_family", "en") == "unknown family"
    assert i18n.label("region", None, "en") == "(missing)"
    assert i18n.t("no.such.key", "nl") == "no.such.key"


def test_small_p_values_read_naturally_in_templates():
    text = i18n.t("funnel.logrank", "en", chi2="12.3", p=i18n.fmt_p(0.0001, "en"))
    assert "p < 0.001" in text and "= <" not in text


def test_area_files_are_merged_and_mirrored():
    en_files = sorted(p.name for p in (i18n.LOCALE_DIR / "en").glob("*.json"))
    nl_files = sorted(p.name for p in (i18n.LOCALE_DIR / "nl").glob("*.json"))
    assert en_files == nl_files
    assert "nav.overview" in i18n.strings("en")


def test_one_layout_only_area_files():
    # No top-level <lang>.json beside the area folders: one place to look for a key.
    assert sorted(p.name for p in i18n.LOCALE_DIR.glob("*.json")) == []
    assert sorted(p.name for p in i18n.LOCALE_DIR.iterdir() if p.is_dir()) == ["en", "nl"]


def test_no_key_is_defined_twice():
    for lang in i18n.LANGUAGES:
        seen: dict[str, str] = {}
        for path in sorted((i18n.LOCALE_DIR / lang).glob("*.json")):
            for key in json.loads(path.read_text(encoding="utf-8")):
                assert key not in seen, f"{key} in {path.name} and {seen[key]}"
                seen[key] = path.name
        assert set(seen) == set(i18n.strings(lang))


def test_duplicate_keys_are_refused(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.json").write_text('{"x.y": "1"}', encoding="utf-8")
    (tmp_path / "en" / "b.json").write_text('{"x.y": "2"}', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.strings.cache_clear()
    try:
        with pytest.raises(ValueError, match="already defined"):
            i18n.strings("en")
    finally:
        i18n.strings.cache_clear()

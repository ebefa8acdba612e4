"""A language switch relabels every choice widget at once (chips, selectors, survey widgets).

The browser keeps a select widget's *labels* as its state; unless the app sends the value again,
the chips stay in the old language until a reload. The test checks what the browser is sent
after the switch: the value, set by the app, in the new language's labels.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _sidebar():
    import datetime as dt

    import streamlit as st

    from analytics.domain import FilterOptions
    from analytics.i18n import t
    from ui.filters import language_switch, sidebar_filters

    lang = language_switch()
    options = FilterOptions(
        first_date=dt.date(2024, 1, 1),
        last_date=dt.date(2024, 12, 31),
        values={"role_family": ("engineering", "customer_support"), "region": ("emea",)},
    )
    filters = sidebar_filters(options, lang)
    # A page widget (like the adjust selector or a survey's banner choice) keyed the same way.
    choice = st.selectbox(
        "adjust",
        ("none", "role_family"),
        key="adjust",
        format_func=lambda d: t("filters.all", lang) if d == "none" else t(f"dim.{d}", lang),
    )
    st.write(f"{filters.role_family}|{choice}")


def test_language_switch_relabels_chips_and_selectors():
    at = AppTest.from_function(_sidebar, default_timeout=30).run()
    at.multiselect(key="role_family").set_value(["customer_support"]).run()
    at.selectbox(key="adjust").set_value("role_family").run()
    assert at.multiselect(key="role_family").proto.options[1] == "Customer support"

    at.sidebar.segmented_control(key="lang").set_value("nl").run()
    assert not at.exception
    chips = at.multiselect(key="role_family")
    # the browser is told the value again, in Dutch (not left holding "Customer support")
    assert chips.proto.set_value and list(chips.proto.raw_values) == ["Klantenservice"]
    adjust = at.selectbox(key="adjust").proto
    assert adjust.set_value and adjust.raw_value == "Functiegroep"
    # and the selection itself survives the switch
    assert at.markdown[-1].value == "('customer_support',)|role_family"

    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert list(at.multiselect(key="role_family").proto.raw_values) == ["Customer support"]

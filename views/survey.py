"""Placeholder while this page is being built in this session (replaced before it lands)."""

import streamlit as st

from ui.context import page_context

ctx = page_context()
st.title(ctx.t("nav.survey"))

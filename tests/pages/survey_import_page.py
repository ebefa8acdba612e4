"""A stand-alone page that draws ``ui.components.survey_import.render`` (for AppTest and
screenshots), so the import UI is tested without the survey page (owned elsewhere):
``AIVSHI_DB=... streamlit run tests/pages/survey_import_page.py``; ``?lang=nl`` for Dutch."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from analytics import store  # noqa: E402
from analytics.domain import Filters  # noqa: E402
from ui import data  # noqa: E402
from ui.components import survey_import  # noqa: E402
from ui.context import PageContext, set_page_context  # noqa: E402

st.set_page_config(layout="wide")
lang = st.query_params.get("lang", "en")
cur = data.cursor()
try:
    info = store.dataset_info(cur)
finally:
    cur.close()
ctx = PageContext(lang=lang, filters=Filters(), info=info)
set_page_context(ctx)
survey_import.render(ctx)

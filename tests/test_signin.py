"""Optional sign-in: without [auth] in secrets the app runs as before; with a (dummy) [auth]
configuration every page is behind the sign-in screen with its button. Both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics import demo, store
from ui import auth

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")

DUMMY_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret-only-for-the-test",
    "client_id": "aivshi-test",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.example.invalid/.well-known/openid-configuration",
}


@pytest.fixture
def app(tmp_path, monkeypatch):
    path = tmp_path / "aivshi.duckdb"
    con = store.connect(path)
    demo.build(con, 300, seed=3)
    con.close()
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(APP, default_timeout=60)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_without_auth_configuration_the_app_runs_as_before(app, lang):
    at = app()
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert not [b for b in at.button if (b.key or "").startswith("auth_")]
    assert at.title and at.title[0].value not in ("Sign in to AI vs HI", "Aanmelden bij AI vs HI")


@pytest.mark.parametrize(
    ("lang", "title", "button"),
    [("en", "Sign in to AI vs HI", "Sign in"), ("nl", "Aanmelden bij AI vs HI", "Aanmelden")],
)
def test_with_auth_configured_the_gate_shows_the_login_button(app, lang, title, button):
    at = app()
    at.secrets["auth"] = DUMMY_AUTH
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    login = at.button(key="auth_login_default")
    assert login.label == button
    # nothing of the data is drawn behind the gate
    assert not at.metric and "demo" not in " ".join(i.value.lower() for i in at.info)


def test_named_providers_get_a_button_each(app):
    at = app()
    at.secrets["auth"] = {
        "redirect_uri": DUMMY_AUTH["redirect_uri"],
        "cookie_secret": DUMMY_AUTH["cookie_secret"],
        "google": {k: v for k, v in DUMMY_AUTH.items() if k.startswith(("client", "server"))},
        "microsoft": {k: v for k, v in DUMMY_AUTH.items() if k.startswith(("client", "server"))},
    }
    at.run()
    assert not at.exception
    labels = sorted(b.label for b in at.button if (b.key or "").startswith("auth_login_"))
    assert labels == ["Sign in with Google", "Sign in with Microsoft"]


def test_providers_helper():
    assert auth.providers(DUMMY_AUTH) == [None]
    assert auth.providers({"redirect_uri": "x", "okta": {"client_id": "y"}}) == ["okta"]


def test_authlib_is_a_requirement():
    text = (ROOT / "requirements.txt").read_text().lower()
    assert "authlib" in text

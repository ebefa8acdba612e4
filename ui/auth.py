"""Optional sign-in with Streamlit's built-in OpenID Connect (``st.login``).

Off unless ``.streamlit/secrets.toml`` has an ``[auth]`` section: without it the app runs locally
as before, with no sign-in. With it, every page is behind the sign-in screen. A single provider
configured directly in ``[auth]`` gets one button; named providers (``[auth.google]``,
``[auth.microsoft]``) get one button each. Needs Authlib (requirements.txt). Streamlit keeps the
identity in a cookie for 30 days, without the Secure flag (PITFALLS.md): serve the app over HTTPS
behind a proxy when sign-in matters.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from analytics.i18n import t

# Settings shared by all providers, not providers themselves (Streamlit's names).
_SHARED = ("redirect_uri", "cookie_secret", "expose_tokens")


def _auth_section() -> Mapping | None:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all, or one that does not parse: sign-in is off
        return None
    return section if isinstance(section, Mapping) and section else None


def providers(section: Mapping) -> list[str | None]:
    """The providers to offer: the named ``[auth.NAME]`` sections, else the default (None)."""
    named = [k for k, v in section.items() if k not in _SHARED and isinstance(v, Mapping)]
    return sorted(named) if named else [None]


def required() -> bool:
    """True when sign-in is configured in secrets.toml."""
    return _auth_section() is not None


def gate(lang: str) -> None:
    """When sign-in is configured and nobody is signed in: the sign-in screen, then stop.
    When someone is signed in: their name and a sign-out button in the sidebar."""
    section = _auth_section()
    if section is None:
        return
    # ``st.user`` is a mapping; outside a real server (AppTest) it may lack the key entirely.
    if not st.user.get("is_logged_in", False):
        st.title(t("auth.title", lang))
        st.write(t("auth.intro", lang))
        for provider in providers(section):
            label = (
                t("auth.sign_in", lang)
                if provider is None
                else t("auth.sign_in_with", lang, provider=provider.capitalize())
            )
            st.button(
                label,
                type="primary",
                icon=":material/login:",
                key=f"auth_login_{provider or 'default'}",
                on_click=st.login,
                args=(provider,) if provider else (),
            )
        st.stop()
    name = st.user.get("name") or st.user.get("email") or ""
    st.sidebar.caption(t("auth.signed_in_as", lang, name=name))
    st.sidebar.button(
        t("auth.sign_out", lang),
        icon=":material/logout:",
        type="tertiary",
        key="auth_logout",
        on_click=st.logout,
    )

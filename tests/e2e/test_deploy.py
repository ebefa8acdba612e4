"""The deployment recipe of docs/DEPLOY.md, run as written: the app bound to localhost behind
Debian's nginx with ``deploy/nginx/aivshi.conf`` (only ports, certificate paths and the upstream
port substituted). Through the proxy, in Chromium: the pages work (websocket), a filter change
works, an upload works, no page breaks the Content-Security-Policy; the security headers are on
every response; a page on another origin cannot frame the app; the agent API is not reachable.

``.ci/run`` installs nginx (and openssl) with apt; outside CI the module is skipped when they are
missing, in CI it fails instead (a missing install step must not pass silently).
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import (
    PAGE_PATHS,
    ROOT,
    _free_port,
    confirm_replace_and_wait_for_load,
    pick_one_role_family,
    shot,
    start_server,
    stop_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser

RECIPE = ROOT / "deploy" / "nginx" / "aivshi.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
if not (Path(NGINX).exists() and shutil.which("openssl")):  # pragma: no cover - CI installs both
    if os.environ.get("CI"):
        raise RuntimeError("nginx and openssl must be installed in CI (.ci/run installs them)")
    pytest.skip("nginx or openssl is missing (.ci/run installs them)", allow_module_level=True)


@dataclass
class Proxy:
    url: str  # https://127.0.0.1:PORT
    http_url: str  # the plain-HTTP port, which only redirects
    proc: subprocess.Popen
    log: Path


def render_recipe(
    text: str, *, https_port: int, http_port: int, app_port: int, cert: Path, key: Path
) -> str:
    """The recipe with test ports and a throwaway certificate; everything else as documented."""
    swaps = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "/etc/ssl/aivshi/fullchain.pem": str(cert),
        "/etc/ssl/aivshi/privkey.pem": str(key),
        "http://127.0.0.1:8501": f"http://127.0.0.1:{app_port}",
    }
    for old, new in swaps.items():
        assert text.count(old) >= 1, f"the recipe no longer contains {old!r}: update this test"
        text = text.replace(old, new)
    return text


def _start_proxy(workdir: Path, app_port: int) -> Proxy:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    https_port, http_port = _free_port(), _free_port()
    site = render_recipe(
        RECIPE.read_text(),
        https_port=https_port,
        http_port=http_port,
        app_port=app_port,
        cert=cert,
        key=key,
    )
    # The frame around a site file that Debian's /etc/nginx/nginx.conf provides, with every
    # path inside the test's directory so that the test needs no system configuration.
    temp = "\n".join(
        f"{name}_temp_path {workdir / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"worker_processes 1;\npid {workdir / 'nginx.pid'};\nerror_log {workdir / 'error.log'};\n"
        "events { worker_connections 256; }\n"
        f"http {{\ninclude /etc/nginx/mime.types;\naccess_log {workdir / 'access.log'};\n{temp}\n"
        f"{site}\n}}\n"
    )
    log = workdir / "nginx.log"
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(workdir), "-g", "daemon off;"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    proxy = Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", proc, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _get(f"{proxy.url}/_stcore/health")[1] == b"ok":
                return proxy
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    proc.terminate()
    raise RuntimeError(f"nginx did not start: {log.read_text()[-2000:]}")


def _get(url: str) -> tuple[dict[str, str], bytes, int]:
    context = ssl._create_unverified_context()  # the throwaway certificate
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), _NoRedirect()
    )
    try:
        with opener.open(url, timeout=10) as r:
            return {k.lower(): v for k, v in r.headers.items()}, r.read(), r.status
    except urllib.error.HTTPError as e:
        return {k.lower(): v for k, v in e.headers.items()}, e.read(), e.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # Return the 301 itself (the test checks it) instead of following it.
    def redirect_request(self, *_args, **_kwargs):  # urllib's signature
        return None


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Iterator[tuple[object, Proxy]]:
    workdir = tmp_path_factory.mktemp("deploy")
    app = start_server(workdir)  # bound to 127.0.0.1, as the recipe requires
    proxy = _start_proxy(workdir, int(app.url.rsplit(":", 1)[1]))
    yield app, proxy
    proxy.proc.terminate()
    proxy.proc.wait(timeout=20)
    stop_server(app)


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, ignore_https_errors=True
    )
    p = context.new_page()
    p.set_default_timeout(60_000)
    yield p
    context.close()


HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize("path", ["/", "/funnel", "/_stcore/health", "/no-such-file.js"])
def test_every_response_carries_the_security_headers(deployed, path):
    _app, proxy = deployed
    headers, _body, _status = _get(proxy.url + path)
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (path, name, headers)
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "'unsafe-eval'" not in csp
    assert headers["strict-transport-security"].startswith("max-age=")


def test_plain_http_only_redirects_and_the_agent_api_is_closed(deployed):
    _app, proxy = deployed
    headers, _body, status = _get(proxy.http_url + "/funnel")
    assert status == 301 and headers["location"].startswith("https://")
    for path in ("/_stcore/agent/openapi.json", "/_stcore/agent/interact"):
        assert _get(proxy.url + path)[2] == 404


def test_the_app_itself_listens_on_localhost_only(deployed):
    app, _proxy = deployed
    assert app.url.startswith("http://127.0.0.1:")
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r"^enableAgentApi = false$", config, re.M)


def _csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m]


def test_pages_work_through_the_proxy_within_the_policy(deployed, page):
    _app, proxy = deployed
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    for path in PAGE_PATHS:
        page.goto(f"{proxy.url}/{path}")
        wait_for_app(page)  # the title is drawn by a script run: the websocket works
        page.wait_for_timeout(1500)  # charts draw after the run; a CSP refusal shows by now
        assert page.locator('[data-testid="stException"]').count() == 0, path
    assert _csp_violations(messages) == []
    shot(page, "deploy_data_page")


def test_a_filter_change_and_an_upload_work_through_the_proxy(deployed, page):
    _app, proxy = deployed
    page.goto(proxy.url)
    wait_for_app(page)
    pick_one_role_family(page)
    wait_for_app(page)
    assert page.url.startswith(proxy.url)

    page.goto(f"{proxy.url}/data")
    wait_for_app(page)
    sample = ROOT / "data" / "samples" / "greenhouse_applications.csv"
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(sample)
    )
    # the file travels through the proxy (client_max_body_size) and the app reads it: its
    # mapping step appears with an enabled Load button
    confirm_replace_and_wait_for_load(page)
    page.get_by_role("button", name="Load", exact=True).click()
    page.get_by_text(re.compile(r"Loaded 50 rows from greenhouse_applications\.csv")).wait_for(
        timeout=60_000
    )
    shot(page, "deploy_upload")


def test_another_origin_cannot_frame_the_app(deployed, page, tmp_path):
    _app, proxy = deployed
    (tmp_path / "frame.html").write_text(
        f'<html><body><h2>other site</h2><iframe id="f" src="{proxy.url}/data" '
        'width="800" height="600"></iframe></body></html>'
    )
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(tmp_path), **k
    )
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    try:
        page.goto(f"http://localhost:{other.server_address[1]}/frame.html")
        page.wait_for_timeout(5000)
        framed = [f for f in page.frames if f != page.main_frame]
        assert framed, "the iframe element is missing"
        for frame in framed:
            # Chromium replaces a refused frame by its own error page: no app content inside.
            assert not frame.url.startswith(proxy.url) or frame.locator("h1").count() == 0
            assert frame.locator('[data-testid="stApp"]').count() == 0
        assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in messages), messages
    finally:
        other.shutdown()

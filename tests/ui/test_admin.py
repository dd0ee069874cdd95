"""The operator console over real HTTP: denied by default, login, sessions, CSRF, exports, upload limits."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ui.admin_auth import hash_password
from ui.feedback import FeedbackStore
from ui.storage import Database

PASSWORD = "mat-khau-thu-nghiem-2025"
HASH = hash_password(PASSWORD)


@pytest.fixture(scope="module")
def console(start_server: Callable[..., Any]) -> Any:
    return start_server(with_ui=False, admin_password_hash=HASH)


def admin_paths(app: Any) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        path = getattr(route, "path", "")
        if path == "/admin" or path.startswith("/admin/"):
            for method in sorted(getattr(route, "methods", ()) or ()):
                if method != "HEAD":
                    out.append((method, re.sub(r"\{[^}]+\}", "x", path)))
    return out


def login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    page = client.get("/admin")
    assert page.status_code == 401 and 'name="password"' in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    r = client.post("/admin/login", data={"password": PASSWORD, "csrf": token.group(1)})
    assert r.status_code == 303, r.text
    return client


def csrf_of(client: httpx.Client, path: str = "/admin/documents") -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert m
    return m.group(1)


@pytest.mark.parametrize("which", ["disabled", "configured"])
def test_every_admin_route_refuses_anonymous_requests(which: str, server: Any, console: Any) -> None:
    srv = server if which == "disabled" else console
    paths = admin_paths(srv.app)
    assert len(paths) >= 10, paths
    for method, path in paths:
        for body in ({}, {"csrf": "guess", "password": "guess", "source": "x"}):
            r = httpx.request(method, srv.base_url + path, data=body, timeout=60, follow_redirects=False)
            expected = {403} if which == "disabled" else {401, 403}
            assert r.status_code in expected, (method, path, r.status_code, r.text[:200])
            assert "Tài liệu" not in r.text or "đăng nhập" in r.text.lower() or which == "disabled"
    if which == "disabled":
        r = httpx.get(srv.base_url + "/admin", timeout=30)
        assert "ASSISTANT_ADMIN_PASSWORD_HASH" in r.text and "assistant admin-hash" in r.text


def test_login_sets_a_strict_httponly_cookie_and_opens_every_page(console: Any) -> None:
    client = login(console.base_url)
    fresh = httpx.Client(base_url=console.base_url, timeout=60)
    page = fresh.get("/admin")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = fresh.post("/admin/login", data={"password": PASSWORD, "csrf": token}, follow_redirects=False)
    set_cookie = [h for h in r.headers.get_list("set-cookie") if h.startswith("assistant_admin=")][0]
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie.replace("Strict", "strict")
    assert "Path=/admin" in set_cookie
    assert "Secure" not in set_cookie  # plain HTTP here; behind HTTPS the flag is set
    for path in ("/admin/documents", "/admin/feedback", "/admin/report", "/admin/feedback.csv",
                 "/admin/report.csv"):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin").headers["location"] == "/admin/documents"
    docs = client.get("/admin/documents")
    assert "Content-Security-Policy" in docs.headers and "frame-ancestors 'none'" in docs.headers[
        "Content-Security-Policy"]
    assert docs.headers["Cache-Control"] == "no-store"


def test_wrong_password_and_missing_csrf_are_refused(console: Any) -> None:
    client = httpx.Client(base_url=console.base_url, timeout=60)
    page = client.get("/admin")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert client.post("/admin/login", data={"password": PASSWORD}).status_code == 403  # no CSRF
    r = client.post("/admin/login", data={"password": "sai", "csrf": token})
    assert r.status_code == 401 and "Mật khẩu không đúng" in r.text
    logged = login(console.base_url)
    # a form posted without the session's CSRF token (or from another origin) is refused
    assert logged.post("/admin/documents/remove", data={"source": "x"}).status_code == 403
    csrf = csrf_of(logged)
    r = logged.post("/admin/documents/remove", data={"source": "x", "csrf": csrf},
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    # logout ends the session everywhere
    assert logged.post("/admin/logout", data={"csrf": csrf}).status_code == 303
    assert logged.get("/admin/documents").status_code == 401


def test_login_attempts_are_rate_limited(start_server: Callable[..., Any]) -> None:
    srv = start_server(with_ui=False, admin_password_hash=HASH, admin_login_attempts=3)
    client = httpx.Client(base_url=srv.base_url, timeout=60)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin").text).group(1)  # type: ignore[union-attr]
    codes = [client.post("/admin/login", data={"password": f"sai{i}", "csrf": token}).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    # even the right password waits now
    r = client.post("/admin/login", data={"password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_feedback_page_filters_and_exports_csv(console: Any) -> None:
    store = FeedbackStore(Database(console.settings.database_path))
    store.add(question="Làm căn cước ở đâu?", answer="Tại Công an xã [1].", rating="down", comment="thiếu giờ",
              channel="widget", sources=["Luật Căn cước, Điều 27"])
    store.add(question="=HYPERLINK(\"x\")", answer="ok", rating="up", channel="ui")
    client = login(console.base_url)
    page = client.get("/admin/feedback", params={"rating": "down"})
    assert "Làm căn cước ở đâu?" in page.text and "Luật Căn cước, Điều 27" in page.text
    assert "HYPERLINK" not in page.text
    export = client.get("/admin/feedback.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    by_q = {r["question"]: r for r in rows}
    assert by_q["Làm căn cước ở đâu?"]["sources"] == "Luật Căn cước, Điều 27"
    assert "'=HYPERLINK(\"x\")" in by_q  # no formula injection into a spreadsheet


def test_upload_limits_type_and_size(start_server: Callable[..., Any]) -> None:
    srv = start_server(with_ui=False, admin_password_hash=HASH, upload_max_mb=1)
    client = login(srv.base_url)
    csrf = csrf_of(client)
    headers = {"Accept": "application/json", "X-CSRF-Token": csrf}
    r = client.post("/admin/documents/upload", files={"file": ("virus.exe", b"MZ...", "application/octet-stream")},
                    headers=headers)
    assert r.status_code == 400 and "không được hỗ trợ" in r.json()["error"]["message"]
    r = client.post("/admin/documents/upload", files={"file": ("big.txt", b"a" * (1024 * 1024 + 10), "text/plain")},
                    headers=headers)
    assert r.status_code in (400, 413), r.text


def test_session_cookie_is_secure_behind_an_https_proxy(start_server: Callable[..., Any]) -> None:
    srv = start_server(with_ui=False, admin_password_hash=HASH, trusted_proxies="127.0.0.1")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    client = httpx.Client(base_url=srv.base_url, timeout=60, headers=proxied)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/admin").text).group(1)  # type: ignore[union-attr]
    # httpx does not send Secure cookies over plain HTTP: pass the login cookie by hand
    r = client.post("/admin/login", data={"password": PASSWORD, "csrf": token},
                    headers={"Cookie": f"assistant_admin_login={token}"})
    assert r.status_code == 303, r.text
    set_cookie = [h for h in r.headers.get_list("set-cookie") if h.startswith("assistant_admin=")][0]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie

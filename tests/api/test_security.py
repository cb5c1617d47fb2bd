"""The service as a bank's security review would try it, on a real `watchkeeper serve`.

Keys (constant-time check, prefix, expiry, rotation, last use, disabled
owners), logins (throttling, no user enumeration, session ends), cookies and
headers, escaping of hostile names in the pages, upload limits and
decompression bombs, file names from clients.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.backend import store_at
from tests.live_server import LiveServer, copy_home
from tests.support import shared
from watchkeeper.api.uploads import upload_name
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.service import ServiceStore
from watchkeeper.store.users import MAX_FAILURES_PER_USER, UserStore

PASSWORD = "correct horse battery"
IDLE_SECONDS = 3
UPLOAD_LIMIT = 2_000_000


@pytest.fixture(scope="module")
def live(loaded_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    home = copy_home(loaded_home, tmp_path_factory.mktemp("security") / "home")
    users = UserStore(store_at(home))
    try:
        for name in ("alice", "bob", "carol", "dave"):
            users.create(name, "analyst", PASSWORD)
    finally:
        users.close()
    server = LiveServer(
        home,
        env={
            "WATCHKEEPER_SECURE_COOKIES": "1",
            "WATCHKEEPER_SESSION_IDLE_SECONDS": str(IDLE_SECONDS),
            "WATCHKEEPER_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT),
            "WATCHKEEPER_MAX_UNCOMPRESSED_BYTES": "20000000",
        },
    )
    server.start()
    yield server
    server.stop()


def _keys(live: LiveServer) -> ServiceStore:
    return ServiceStore(store_at(live.home))


def _status(live: LiveServer, token: str) -> tuple[int, str]:
    with live.client(token) as client:
        answer = client.get("/lists")
    return answer.status_code, answer.text


def _login(live: LiveServer, user: str, password: str = PASSWORD) -> httpx.Response:
    with httpx.Client(base_url=live.url, follow_redirects=False) as client:
        return client.post("/ui/login", data={"username": user, "password": password})


def _cookie(response: httpx.Response) -> str:
    found = re.search(r"wk_session=([^;]+)", response.headers.get("set-cookie", ""))
    assert found, response.headers
    return found.group(1)


def _page(live: LiveServer, path: str, token: str) -> httpx.Response:
    with httpx.Client(base_url=live.url, follow_redirects=False) as client:
        return client.get(path, headers={"Cookie": f"wk_session={token}"})


# -- API keys ------------------------------------------------------------------------------


def test_keys_expire_rotate_show_a_prefix_and_last_use(live: LiveServer) -> None:
    store = _keys(live)
    try:
        key, token = store.create_key("read", "ops", expires_at=datetime.now(UTC) + timedelta(seconds=2))
        assert token.startswith(key.shown_prefix)
        assert len(key.shown_prefix) < len(token) // 3
        assert key.key_id in key.shown_prefix
        assert _status(live, token)[0] == 200
        assert store.key(key.key_id).last_used_at is not None
        time.sleep(2.5)
        status, text = _status(live, token)
        assert status == 401
        assert "expired" in text

        lasting, old_token = store.create_key("read", "nightly batch")
        new, new_token, old = store.rotate_key(lasting.key_id, grace=timedelta(hours=1))
        assert (new.scope, new.label) == ("read", "nightly batch")
        assert old.expires_at is not None
        assert _status(live, old_token)[0] == 200  # still within its grace period
        assert _status(live, new_token)[0] == 200
        _, newer_token, _ = store.rotate_key(new.key_id, grace=timedelta(0))
        assert _status(live, new_token)[0] == 401
        assert _status(live, newer_token)[0] == 200
        actions = [e.action for e in AuditLog(store._db).entries()]
        assert {"key.create", "key.rotate"} <= set(actions)
    finally:
        store.close()


def test_a_token_with_a_known_key_id_but_wrong_secret_is_refused(live: LiveServer) -> None:
    store = _keys(live)
    try:
        key, token = store.create_key("read")
    finally:
        store.close()
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert _status(live, forged) == (401, '{"detail":"unknown API key"}')
    assert _status(live, f"wk_{key.key_id}_")[0] == 401


def test_a_disabled_users_keys_stop_working(live: LiveServer) -> None:
    store = _keys(live)
    users = UserStore(store_at(live.home))
    try:
        _, token = store.create_key("read", owner="dave")
        assert _status(live, token)[0] == 200
        users.change("dave", actor="admin", disabled=True)
        status, text = _status(live, token)
        assert status == 401
        assert "disabled" in text
    finally:
        store.close()
        users.close()


# -- logins and sessions ---------------------------------------------------------------------


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(live: LiveServer) -> None:
    unknown = _login(live, "nobody-here", "whatever-password")
    wrong = _login(live, "carol", "wrong password!")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.text == wrong.text
    assert "Wrong user name or password." in wrong.text
    assert "set-cookie" not in unknown.headers
    assert "set-cookie" not in wrong.headers


def test_an_unknown_user_costs_the_same_password_work(tmp_path: Path) -> None:
    users = UserStore(store_at(tmp_path, "store.sqlite"))
    try:
        users.create("erin", "analyst", PASSWORD)

        def median(name: str) -> float:
            times = []
            for _ in range(4):
                started = time.perf_counter()
                users.login(name, "not the password", address="")
                times.append(time.perf_counter() - started)
            return sorted(times)[len(times) // 2]

        # The same scrypt work for both (a fast "no such user" would take microseconds, not
        # milliseconds); a loose bound, as timings on a shared machine are noisy.
        ratio = median("no-such-user") / median("erin")
        assert 0.3 < ratio < 3.0, ratio
    finally:
        users.close()


def test_repeated_failures_throttle_the_user_name_and_are_audited(live: LiveServer) -> None:
    for _ in range(MAX_FAILURES_PER_USER):
        assert _login(live, "bob", "wrong password!").status_code == 200
    throttled = _login(live, "bob")  # even the right password, while throttled
    assert throttled.status_code == 429
    assert "Too many failed logins" in throttled.text
    assert int(throttled.headers["retry-after"]) > 0
    assert "set-cookie" not in throttled.headers
    assert _login(live, "alice").status_code == 303  # another user is not affected
    store = _keys(live)
    try:
        entries = [(e.action, e.subject) for e in AuditLog(store._db).entries()]
    finally:
        store.close()
    assert ("login.throttled", "user:bob") in entries
    assert entries.count(("login.failed", "user:bob")) == MAX_FAILURES_PER_USER


def test_failures_from_one_address_throttle_it_for_every_user_name(tmp_path: Path) -> None:
    users = UserStore(store_at(tmp_path, "store.sqlite"))
    try:
        users.create("erin", "analyst", PASSWORD)
        for number in range(20):
            assert users.login(f"guess{number}", "x" * 12, address="198.51.100.7") is None
        with pytest.raises(Exception, match="too many failed logins"):
            users.login("erin", PASSWORD, address="198.51.100.7")
        assert users.login("erin", PASSWORD, address="203.0.113.9") is not None
    finally:
        users.close()


def test_session_cookie_flags(live: LiveServer) -> None:
    cookie = _login(live, "alice").headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" in cookie  # WATCHKEEPER_SECURE_COOKIES: served behind TLS
    assert "path=/ui" in cookie


def test_an_idle_session_ends(live: LiveServer) -> None:
    token = _cookie(_login(live, "alice"))
    assert _page(live, "/ui/", token).status_code == 200
    time.sleep(IDLE_SECONDS + 1.5)
    gone = _page(live, "/ui/", token)
    assert (gone.status_code, gone.headers["location"]) == (303, "/ui/login")


def test_a_session_ends_at_its_absolute_limit(tmp_path: Path) -> None:
    users = UserStore(store_at(tmp_path, "store.sqlite"), absolute_seconds=1)
    try:
        users.create("erin", "analyst", PASSWORD)
        found = users.login("erin", PASSWORD)
        assert found is not None
        assert users.session(found[0]) is not None
        time.sleep(2.1)
        assert users.session(found[0]) is None
    finally:
        users.close()


def test_logging_out_ends_every_session_of_the_user(live: LiveServer) -> None:
    first, second = _cookie(_login(live, "alice")), _cookie(_login(live, "alice"))
    page = _page(live, "/ui/", first)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    with httpx.Client(base_url=live.url, follow_redirects=False) as client:
        out = client.post(
            "/ui/logout", data={"csrf": csrf.group(1)}, headers={"Cookie": f"wk_session={first}"}
        )
    assert out.status_code == 303
    assert _page(live, "/ui/", second).status_code == 303


@pytest.mark.parametrize(
    "change", [{"password": "another long password"}, {"role": "supervisor"}], ids=["password", "role"]
)
def test_a_password_or_role_change_ends_every_session(tmp_path: Path, change: dict[str, str]) -> None:
    users = UserStore(store_at(tmp_path, "store.sqlite"))
    try:
        users.create("erin", "analyst", PASSWORD)
        tokens = [
            found[0] for found in (users.login("erin", PASSWORD), users.login("erin", PASSWORD)) if found
        ]
        users.change("erin", actor="admin", **change)  # type: ignore[arg-type]
        assert [users.session(t) for t in tokens] == [None, None]
    finally:
        users.close()


# -- pages: headers and escaping ---------------------------------------------------------------


def test_pages_carry_security_headers_and_no_inline_script_or_style(live: LiveServer) -> None:
    with httpx.Client(base_url=live.url) as client:
        page = client.get("/ui/login")
        css = client.get("/ui/static/watchkeeper.css")
        api = client.get("/healthz")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "script-src" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in page.text
    assert "style=" not in page.text
    assert "<style" not in page.text
    assert css.status_code == 200
    assert "font" in css.text
    assert api.headers["x-content-type-options"] == "nosniff"


def _un_with_markup_alias() -> bytes:
    """The real UN list with the alias of KOREA KWANGSON BANKING CORPORATION turned into markup."""
    data = shared("un/consolidated-2026-02-27.xml").read_bytes()
    at = data.index(b"<REFERENCE_NUMBER>KPe.025</REFERENCE_NUMBER>")
    alias = data.index(b"<ALIAS_NAME>KKBC</ALIAS_NAME>", at)
    return (
        data[:alias]
        + b"<ALIAS_NAME>KKBC &lt;img src=x onerror=alert(2)&gt;</ALIAS_NAME>"
        + data[alias + 29 :]
    )


def test_hostile_names_are_escaped_in_every_page(live: LiveServer) -> None:
    store = _keys(live)
    try:
        _, admin = store.create_key("admin")
    finally:
        store.close()
    with live.client(admin) as client:
        imported = client.post(
            "/lists/un/import",
            files={"files": ("consolidated-2026-03-01.xml.gz", gzip.compress(_un_with_markup_alias()))},
        )
        assert imported.status_code == 201, imported.text
        screened = client.post(
            "/screen",
            json={
                # Markup words lower the score: a low threshold keeps the alert for the test.
                "name": "<script>KOREA KWANGSON BANKING</script>",
                "customer_id": "C-XSS",
                "record": True,
                "lists": ["un"],
                "threshold": 0.4,
            },
        )
        assert screened.status_code == 200, screened.text
        alert_ids = screened.json()["alerts_raised"]
    assert alert_ids
    token = _cookie(_login(live, "carol"))
    pages = [_page(live, "/ui/?state=all", token), _page(live, f"/ui/alerts/{alert_ids[0]}", token)]
    for page in pages:
        assert page.status_code == 200
        assert "<script>" not in page.text
        assert "<img src=x" not in page.text
    assert "&lt;script&gt;KOREA KWANGSON BANKING&lt;/script&gt;" in pages[0].text
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[1].text


# -- uploads ------------------------------------------------------------------------------------


def test_every_upload_has_a_size_limit(live: LiveServer) -> None:
    store = _keys(live)
    try:
        _, admin = store.create_key("admin")
    finally:
        store.close()
    big = b"x" * (UPLOAD_LIMIT + 1000)
    with live.client(admin) as client:
        answers = {
            "list": client.post("/lists/un/import", files={"files": ("consolidated-2026-03-05.xml", big)}),
            "batch": client.post("/batches", files={"file": ("customers.csv", b"id,name\n" + big)}),
            "payment": client.post(
                "/payments/screen",
                content=b"<x>" + big + b"</x>",
                headers={"content-type": "application/xml"},
            ),
        }
    for what, answer in answers.items():
        assert answer.status_code == 413, (what, answer.text)
        assert "over the limit" in answer.json()["detail"]


def test_a_gzip_bomb_is_refused_before_it_is_read(live: LiveServer) -> None:
    store = _keys(live)
    try:
        _, admin = store.create_key("admin")
        before = len(store.keys())
    finally:
        store.close()
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # 50 MB of zeros in ~50 kB
    assert len(bomb) < UPLOAD_LIMIT
    with live.client(admin) as client:
        versions = client.get("/lists/un/versions").json()
        refused = client.post("/lists/un/import", files={"files": ("consolidated-2026-03-06.xml.gz", bomb)})
        after = client.get("/lists/un/versions").json()
    assert refused.status_code == 413
    assert "decompression bomb" in refused.json()["detail"]
    assert after == versions
    assert before >= 1


@pytest.mark.parametrize(
    ("sent", "saved"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/absolute/sdn-2024-05-04.csv", "sdn-2024-05-04.csv"),
        ("consolidated 2026-03-01 (1).xml", "consolidated_2026-03-01__1_.xml"),
        ("..", "upload"),
        ("", "upload"),
        ("\x00evil.xml", "_evil.xml"),
    ],
)
def test_client_file_names_never_become_paths(sent: str, saved: str) -> None:
    assert upload_name(sent) == saved


def test_an_upload_named_with_a_path_stays_in_its_folder(live: LiveServer) -> None:
    store = _keys(live)
    try:
        _, admin = store.create_key("admin")
    finally:
        store.close()
    name = "../../../escaped-consolidated-2026-03-07.xml"
    with live.client(admin) as client:
        client.post("/lists/un/import", files={"files": (name, b"<CONSOLIDATED_LIST/>")})
    for folder in (live.home, live.home.parent, live.home.parent.parent, live.home / "uploads"):
        assert not (folder / "escaped-consolidated-2026-03-07.xml").exists()


def test_a_password_hashed_at_the_old_cost_is_rehashed_at_the_next_good_login(tmp_path: Path) -> None:
    users = UserStore(store_at(tmp_path, "store.sqlite"))
    try:
        users.create("erin", "analyst", PASSWORD)
        salt = b"0123456789abcdef"
        old = hashlib.scrypt(PASSWORD.encode(), salt=salt, dklen=32, n=2**14, r=8, p=1)
        users.db.execute(
            "UPDATE app_user SET password = ? WHERE username = 'erin'",
            (f"scrypt$16384${salt.hex()}${old.hex()}",),
        )
        assert users.login("erin", "not the password") is None
        assert users.db.execute("SELECT password FROM app_user").fetchone()[0].startswith("scrypt$16384$")
        assert users.login("erin", PASSWORD) is not None
        stored = users.db.execute("SELECT password FROM app_user").fetchone()[0]
        assert stored.startswith("scrypt$131072$")
        assert users.login("erin", PASSWORD) is not None  # the new hash checks
    finally:
        users.close()


def test_a_disabled_user_gets_the_same_answer_as_a_wrong_password(tmp_path: Path) -> None:
    users = UserStore(store_at(tmp_path, "store.sqlite"))
    try:
        users.create("erin", "analyst", PASSWORD)
        users.change("erin", actor="admin", disabled=True)
        started = time.perf_counter()
        assert users.login("erin", PASSWORD) is None
        # The password is checked all the same (a disabled user answered in microseconds would be
        # told apart from an enabled one); a loose lower bound, well below one scrypt hash.
        assert time.perf_counter() - started > 0.05
    finally:
        users.close()

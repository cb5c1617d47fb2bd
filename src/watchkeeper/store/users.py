"""Users with roles and hashed passwords, and their browser sessions.

Passwords are hashed with scrypt (standard library; memory-hard, salted per
user). A session is a random token in an HttpOnly cookie; the store keeps its
SHA-256 only, with the session's CSRF token and expiry. Creating or changing
a user is written to the audit trail in the same transaction.

Logging in is throttled: after `MAX_FAILURES_PER_USER` failures for one user
name, or `MAX_FAILURES_PER_ADDRESS` from one address, within
`FAILURE_WINDOW_SECONDS`, further attempts are refused without checking the
password, and the refusal is audited. An unknown user name gets the same
answer, after the same scrypt work, as a wrong password, and is throttled the
same way, so neither the answer nor its timing says which user names exist.
A session ends after `idle_seconds` without a request or `absolute_seconds`
after it began, whichever comes first; logging out, or a change of the user's
password, role or access, ends every session of that user.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchkeeper.errors import InvalidInput, NotFound, WatchkeeperError
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction

ROLES = ("analyst", "supervisor", "admin")
#: What each role may do beyond the one before it.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
SESSION_HOURS = 12
#: A session unused this long ends (an analyst who walked away from the desk).
SESSION_IDLE_SECONDS = 30 * 60
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW_SECONDS = 15 * 60
_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
#: scrypt cost: N=2^17, r=8, p=1 (OWASP's current guidance; 128 MiB and ~0.3 s a hash). Hashes made
#: with a lower N (2^14 before) are re-made with this one at the user's next good login.
_SCRYPT = {"n": 2**17, "r": 8, "p": 1}
_SCRYPT_MAXMEM = 256 * 1024 * 1024
MIN_PASSWORD = 10


class LoginThrottled(WatchkeeperError):
    """Too many failed logins for a user name or from an address; try again later."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            f"too many failed logins: try again in {minutes} minute{'s' if minutes > 1 else ''}, "
            "or ask an administrator"
        )


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=_SCRYPT_MAXMEM, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${salt.hex()}${digest.hex()}"


def needs_rehash(stored: str) -> bool:
    """A hash made with a lower cost than today's."""
    parts = stored.split("$")
    return len(parts) != 4 or not parts[1].isdigit() or int(parts[1]) < _SCRYPT["n"]


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    found = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=8, p=1, maxmem=_SCRYPT_MAXMEM
    )
    return hmac.compare_digest(found.hex(), digest)


@dataclass(frozen=True)
class User:
    username: str
    role: str
    created_at: str
    disabled: bool

    def may(self, role: str) -> bool:
        """Whether this user has `role` or a higher one (admin > supervisor > analyst)."""
        return not self.disabled and ROLE_RANK[self.role] >= ROLE_RANK[role]


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: str


class UserStore:
    def __init__(
        self,
        path: Path | str,
        *,
        create: bool = True,
        idle_seconds: int = SESSION_IDLE_SECONDS,
        absolute_seconds: int = SESSION_HOURS * 3600,
    ) -> None:
        self.path = str(path)
        self.db = connect(path, create=create)
        self.audit = AuditLog(self.db)
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds

    def close(self) -> None:
        self.db.close()

    def create(self, username: str, role: str, password: str, actor: str = "system") -> User:
        if not _NAME.match(username):
            raise InvalidInput(
                f"user name {username!r}: lower-case letters, digits, . _ -; 2 to 40 characters"
            )
        if role not in ROLES:
            raise InvalidInput(f"role {role!r}: one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise InvalidInput(f"password: at least {MIN_PASSWORD} characters")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with transaction(self.db):
            if self.db.execute("SELECT 1 FROM app_user WHERE username = ?", (username,)).fetchone():
                raise InvalidInput(f"user {username!r} exists already")
            self.db.execute(
                "INSERT INTO app_user VALUES (?, ?, ?, ?, 0)", (username, role, hash_password(password), now)
            )
            self.audit.append(actor, "user.create", f"user:{username}", {"role": role})
        return self.user(username)

    def change(
        self,
        username: str,
        *,
        actor: str,
        role: str | None = None,
        password: str | None = None,
        disabled: bool | None = None,
    ) -> User:
        """Change a user's role, password or access; audited. Each ends the user's sessions."""
        if role is not None and role not in ROLES:
            raise InvalidInput(f"role {role!r}: one of {', '.join(ROLES)}")
        if password is not None and len(password) < MIN_PASSWORD:
            raise InvalidInput(f"password: at least {MIN_PASSWORD} characters")
        self.user(username)  # NotFound for an unknown user
        changed: dict[str, object] = {}
        with transaction(self.db):
            if role is not None:
                self.db.execute("UPDATE app_user SET role = ? WHERE username = ?", (role, username))
                changed["role"] = role
            if password is not None:
                self.db.execute(
                    "UPDATE app_user SET password = ? WHERE username = ?", (hash_password(password), username)
                )
                changed["password"] = "changed"
            if disabled is not None:
                self.db.execute(
                    "UPDATE app_user SET disabled = ? WHERE username = ?", (int(disabled), username)
                )
                changed["disabled"] = disabled
            if password is not None or disabled or role is not None:
                self.db.execute("DELETE FROM app_session WHERE username = ?", (username,))
            self.audit.append(actor, "user.change", f"user:{username}", changed)
        return self.user(username)

    def user(self, username: str) -> User:
        row = self.db.execute(
            "SELECT username, role, created_at, disabled FROM app_user WHERE username = ?", (username,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no user {username!r}")
        return User(row[0], row[1], row[2], bool(row[3]))

    def users(self) -> list[User]:
        rows = self.db.execute("SELECT username, role, created_at, disabled FROM app_user ORDER BY username")
        return [User(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def login(self, username: str, password: str, address: str = "") -> tuple[str, Session] | None:
        """A new session for good credentials; None otherwise (with no hint of which part was wrong).

        Raises `LoginThrottled` after too many recent failures for the user name or the address."""
        now = datetime.now(UTC)
        since = _iso(now - timedelta(seconds=FAILURE_WINDOW_SECONDS))
        for column, value, limit in (
            ("username", username, MAX_FAILURES_PER_USER),
            ("address", address, MAX_FAILURES_PER_ADDRESS),
        ):
            if not value:
                continue
            count, oldest = self.db.execute(
                f"SELECT count(*), min(at) FROM login_failure WHERE {column} = ? AND at >= ?",
                (value, since),
            ).fetchone()
            if count >= limit:
                retry = datetime.fromisoformat(oldest) + timedelta(seconds=FAILURE_WINDOW_SECONDS) - now
                with transaction(self.db):
                    self.audit.append(
                        "system",
                        "login.throttled",
                        f"user:{username}",
                        {"address": address, "failures": count, "by": column},
                    )
                raise LoginThrottled(max(1, int(retry.total_seconds())))
        row = self.db.execute(
            "SELECT password, disabled FROM app_user WHERE username = ?", (username,)
        ).fetchone()
        stored = str(row[0]) if row is not None else ""
        if row is None:
            hash_password(password)  # the same work as a real check: no timing hint that the user is unknown
        good = row is not None and password_matches(password, stored) and not row[1]
        if not good:
            with transaction(self.db):
                self.db.execute("INSERT INTO login_failure VALUES (?, ?, ?)", (_iso(now), username, address))
                self.audit.append("system", "login.failed", f"user:{username}", {"address": address})
            return None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = _iso(now + timedelta(seconds=self.absolute_seconds))
        with transaction(self.db):
            self.db.execute("DELETE FROM login_failure WHERE username = ?", (username,))
            if needs_rehash(stored):  # the password is at hand only now: re-made at today's cost
                self.db.execute(
                    "UPDATE app_user SET password = ? WHERE username = ?", (hash_password(password), username)
                )
            self.db.execute(
                "INSERT INTO app_session (token_sha256, username, csrf, expires_at, created_at, "
                "last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                (_token_hash(token), username, csrf, expires, _iso(now), _iso(now)),
            )
            self.audit.append("system", "login", f"user:{username}", {"address": address})
        return token, Session(self.user(username), csrf, expires)

    def session(self, token: str) -> Session | None:
        """The live session of a token: not past its absolute end, not idle too long, user enabled."""
        digest = _token_hash(token)
        row = self.db.execute(
            "SELECT username, csrf, expires_at, last_seen_at FROM app_session WHERE token_sha256 = ?",
            (digest,),
        ).fetchone()
        if row is None:
            return None
        now = datetime.now(UTC)
        last_seen = datetime.fromisoformat(row[3]) if row[3] else now
        if row[2] < _iso(now) or (now - last_seen).total_seconds() > self.idle_seconds:
            self.db.execute("DELETE FROM app_session WHERE token_sha256 = ?", (digest,))
            return None
        if (now - last_seen).total_seconds() >= min(60, self.idle_seconds / 4):
            # Kept roughly: one write a minute per session, not one per page.
            self.db.execute(
                "UPDATE app_session SET last_seen_at = ? WHERE token_sha256 = ?", (_iso(now), digest)
            )
        user = self.user(str(row[0]))
        return Session(user, str(row[1]), str(row[2])) if not user.disabled else None

    def logout(self, token: str) -> None:
        """End every session of the token's user (a shared or stolen cookie elsewhere ends too)."""
        row = self.db.execute(
            "SELECT username FROM app_session WHERE token_sha256 = ?", (_token_hash(token),)
        ).fetchone()
        if row is None:
            return
        with transaction(self.db):
            self.db.execute("DELETE FROM app_session WHERE username = ?", (row[0],))
            self.audit.append(str(row[0]), "logout", f"user:{row[0]}", {})


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

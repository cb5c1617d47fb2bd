"""Users with roles and hashed passwords, and their browser sessions.

Passwords are hashed with scrypt (standard library; memory-hard, salted per
user). A session is a random token in an HttpOnly cookie; the store keeps its
SHA-256 only, with the session's CSRF token and expiry. Creating or changing
a user is written to the audit trail in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchkeeper.errors import NotFound
from watchkeeper.store.audit import AuditLog
from watchkeeper.store.db import connect, transaction

ROLES = ("analyst", "supervisor", "admin")
#: What each role may do beyond the one before it.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
SESSION_HOURS = 12
_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 10

_DDL = """
CREATE TABLE IF NOT EXISTS app_user (
    username TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS app_session (
    token_sha256 TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES app_user (username),
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    found = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=8, p=1)
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
    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = str(path)
        self.db = connect(path, _DDL, create=create)
        self.audit = AuditLog(self.db, create=create)

    def close(self) -> None:
        self.db.close()

    def create(self, username: str, role: str, password: str, actor: str = "system") -> User:
        if not _NAME.match(username):
            raise ValueError(f"user name {username!r}: lower-case letters, digits, . _ -; 2 to 40 characters")
        if role not in ROLES:
            raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"password: at least {MIN_PASSWORD} characters")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with transaction(self.db):
            if self.db.execute("SELECT 1 FROM app_user WHERE username = ?", (username,)).fetchone():
                raise ValueError(f"user {username!r} exists already")
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
        """Change a user's role, password or access; audited. Disabling ends the user's sessions."""
        if role is not None and role not in ROLES:
            raise ValueError(f"role {role!r}: one of {', '.join(ROLES)}")
        if password is not None and len(password) < MIN_PASSWORD:
            raise ValueError(f"password: at least {MIN_PASSWORD} characters")
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
            if password is not None or disabled:
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

    def login(self, username: str, password: str) -> tuple[str, Session] | None:
        """A new session for good credentials; None otherwise (with no hint of which part was wrong)."""
        row = self.db.execute(
            "SELECT password, disabled FROM app_user WHERE username = ?", (username,)
        ).fetchone()
        if row is None:
            hash_password(password)  # the same work as a real check: no timing hint that the user is unknown
            return None
        if row[1] or not password_matches(password, str(row[0])):
            return None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        expires = (datetime.now(UTC) + timedelta(hours=SESSION_HOURS)).isoformat(timespec="seconds")
        self.db.execute(
            "INSERT INTO app_session VALUES (?, ?, ?, ?)",
            (hashlib.sha256(token.encode()).hexdigest(), username, csrf, expires),
        )
        return token, Session(self.user(username), csrf, expires)

    def session(self, token: str) -> Session | None:
        row = self.db.execute(
            "SELECT username, csrf, expires_at FROM app_session WHERE token_sha256 = ?",
            (hashlib.sha256(token.encode()).hexdigest(),),
        ).fetchone()
        if row is None or row[2] < datetime.now(UTC).isoformat(timespec="seconds"):
            return None
        user = self.user(str(row[0]))
        return Session(user, str(row[1]), str(row[2])) if not user.disabled else None

    def logout(self, token: str) -> None:
        self.db.execute(
            "DELETE FROM app_session WHERE token_sha256 = ?", (hashlib.sha256(token.encode()).hexdigest(),)
        )

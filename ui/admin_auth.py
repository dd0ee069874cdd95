"""Who may use the operator console: a password hash from settings, sessions and login throttling.

Why these choices:
- The password (or a long random token) is configured only as a scrypt hash
  (``ASSISTANT_ADMIN_PASSWORD_HASH``, printed by ``assistant admin-hash``), so a leaked environment or
  config file does not give the password away. Hashes are compared with ``hmac.compare_digest``.
- Sessions and failed-login counts live in the database, so several server processes behind one proxy
  agree on who is logged in and on how many attempts a client has left. Only a SHA-256 of the session
  token is stored: a copy of the database does not let anyone log in.
- Each session carries its own CSRF token, checked on every form the console posts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from ui.storage import Database

_N, _R, _P = 2**14, 8, 1
PREFIX = "scrypt"
LOGIN_WINDOW_S = 15 * 60


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode("ascii").rstrip("=")


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt:N:r:p:salt:hash`` (no ``$``, so it survives shells and .env files): what ``ASSISTANT_ADMIN_PASSWORD_HASH`` holds."""
    if not password:
        raise ValueError("the password must not be empty")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"{PREFIX}:{_N}:{_R}:{_P}:{_b64(salt)}:{_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (constant-time); False for a malformed or empty hash."""
    try:
        kind, n, r, p, salt, digest = stored.strip().split(":")
        if kind != PREFIX:
            return False
        expected = _unb64(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def valid_hash(stored: str) -> bool:
    parts = stored.strip().split(":")
    return len(parts) == 6 and parts[0] == PREFIX and all(parts[1:])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass(frozen=True)
class AdminSession:
    csrf: str
    expires: float


class SessionStore:
    """Console sessions in the database: ``create`` returns the cookie value, ``get`` checks it."""

    def __init__(self, db: Database, minutes: int) -> None:
        self.db = db
        self.ttl_s = max(60, minutes * 60)

    def create(self) -> tuple[str, AdminSession]:
        token = secrets.token_urlsafe(32)
        session = AdminSession(csrf=secrets.token_urlsafe(32), expires=time.time() + self.ttl_s)
        with self.db.write() as conn:
            conn.execute("DELETE FROM admin_sessions WHERE expires < ?", (time.time(),))
            conn.execute("INSERT INTO admin_sessions (token_hash, csrf, expires) VALUES (?, ?, ?)",
                         (_token_hash(token), session.csrf, session.expires))
        return token, session

    def get(self, token: str | None) -> AdminSession | None:
        if not token or len(token) > 200:
            return None
        rows = self.db.query("SELECT csrf, expires FROM admin_sessions WHERE token_hash = ?", (_token_hash(token),))
        if not rows or float(rows[0]["expires"]) < time.time():
            return None
        return AdminSession(csrf=str(rows[0]["csrf"]), expires=float(rows[0]["expires"]))

    def delete(self, token: str | None) -> None:
        if token:
            with self.db.write() as conn:
                conn.execute("DELETE FROM admin_sessions WHERE token_hash = ?", (_token_hash(token),))


class LoginThrottle:
    """At most ``attempts`` failed logins per client in 15 minutes (shared by all server processes)."""

    def __init__(self, db: Database, attempts: int) -> None:
        self.db = db
        self.attempts = max(1, attempts)

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again (0 = now)."""
        since = time.time() - LOGIN_WINDOW_S
        rows = self.db.query("SELECT at FROM login_failures WHERE client = ? AND at >= ? ORDER BY at",
                             (client, since))
        if len(rows) < self.attempts:
            return 0
        oldest_counted = float(rows[len(rows) - self.attempts]["at"])
        return max(1, int(oldest_counted + LOGIN_WINDOW_S - time.time()) + 1)

    def failed(self, client: str) -> None:
        with self.db.write() as conn:
            conn.execute("INSERT INTO login_failures (client, at) VALUES (?, ?)", (client, time.time()))

    def succeeded(self, client: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM login_failures WHERE client = ?", (client,))

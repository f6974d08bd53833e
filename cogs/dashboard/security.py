"""The dashboard's browser-facing safety: session ids, the signed OAuth2 `state` cookie, CSRF tokens, cookie flags
and the headers every page carries.

- A session id is 32 random bytes (URL-safe); the database keeps only its SHA-256 hash, so a leaked table logs
  nobody in.
- The `state` of a login is random and travels twice: in the authorize URL, and in a short-lived cookie signed with
  a key derived from the OAuth2 client secret (so every process of the bot can check it, and nobody without the
  secret can forge one). The callback accepts the login only when both agree.
- The CSRF token of a session is an HMAC of the session id: the same for every form of that session, checked on
  every POST, unknown to another site (which cannot read the cookie or the page).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from fastapi.responses import Response

SESSION_COOKIE = "hearth_session"
STATE_COOKIE = "hearth_login_state"
COOKIE_PATH = "/dashboard"
SESSION_LIFETIME = timedelta(days=7)
STATE_LIFETIME = timedelta(minutes=10)

# Nothing but this site's own stylesheet and Discord's avatar images; no script at all, no framing, forms only here.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' https://cdn.discordapp.com; "
                           "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def new_secret() -> str:
    """An unguessable token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hashed(session_id: str) -> str:
    """What the database keeps of a session id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


class Signer:
    """HMACs under a key derived from the OAuth2 client secret."""

    def __init__(self, client_secret: str) -> None:
        self._key = hmac.new(client_secret.encode(), b"hearth-dashboard-v1", hashlib.sha256).digest()

    def _mac(self, purpose: str, text: str) -> str:
        return hmac.new(self._key, f"{purpose}\n{text}".encode(), hashlib.sha256).hexdigest()

    def state_cookie(self, state: str, now: datetime) -> str:
        """The cookie value binding `state` to this browser until it expires."""
        expires = int((now + STATE_LIFETIME).timestamp())
        return f"{state}.{expires}.{self._mac('state', f'{state}.{expires}')}"

    def state_matches(self, cookie: str | None, state: str | None, now: datetime) -> bool:
        """Whether the callback's `state` is the one this browser's unexpired, untampered cookie holds."""
        if not cookie or not state:
            return False
        parts = cookie.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return False
        saved, expires, mac = parts
        if not hmac.compare_digest(mac, self._mac("state", f"{saved}.{expires}")):
            return False
        return int(expires) > now.timestamp() and hmac.compare_digest(saved, state)

    def csrf_token(self, session_id: str) -> str:
        """The CSRF token of a session (the same on every form it is shown)."""
        return self._mac("csrf", session_id)

    def csrf_ok(self, session_id: str, token: str | None) -> bool:
        """Whether a POSTed token is this session's."""
        return bool(token) and hmac.compare_digest(self.csrf_token(session_id), token or "")


def set_cookie(response: Response, name: str, value: str, max_age: timedelta, *, secure: bool) -> None:
    """A dashboard cookie: HttpOnly, SameSite=Lax, Secure over https, scoped to /dashboard, expiring."""
    response.set_cookie(name, value, max_age=int(max_age.total_seconds()), path=COOKIE_PATH, httponly=True,
                        samesite="lax", secure=secure)


def clear_cookie(response: Response, name: str, *, secure: bool) -> None:
    """Tell the browser to drop a dashboard cookie."""
    response.delete_cookie(name, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure)

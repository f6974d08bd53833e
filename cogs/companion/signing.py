"""HMAC-SHA256 over "<timestamp>.<raw body>" with a shared secret, with a freshness window.

The headers are parsed strictly: the timestamp is digits only, the signature exactly `sha256=` and 64 lower-case
hex digits, with nothing around them (no whitespace, no second value). The replay guard keys on the signature
Hearth computes itself (`Verified.digest`), never on the header's text, so no spelling of a header can make a
used signature look new; the guard lives in the database (see the companion cog), shared by every process.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

TOLERANCE_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


class SignatureError(ValueError):
    """The request is not authentic or not fresh; the message says which (for the 401 body)."""


@dataclass(frozen=True)
class Verified:
    """An authentic, fresh request: its signature's digest and when the signature goes stale."""

    digest: bytes
    expires_at: float  # Unix seconds: after this, the timestamp check refuses the request anyway


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the X-Hearth-Signature header: `sha256=<hex>`."""
    return f"sha256={_digest(secret, timestamp, body).hex()}"


def _digest(secret: str, timestamp: int, body: bytes) -> bytes:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).digest()


class Verifier:
    """Checks the signature and the freshness of a request (the replay guard is the caller's, in the database)."""

    def __init__(self, secret: str, *, tolerance: int = TOLERANCE_SECONDS) -> None:
        self._secret = secret
        self.tolerance = tolerance

    def verify(self, timestamp_header: str | None, signature_header: str | None, body: bytes,
               now: float) -> Verified:
        """The verified request, or `SignatureError` unless it is signed with the secret and fresh."""
        if timestamp_header is None or signature_header is None:
            raise SignatureError("missing X-Hearth-Timestamp or X-Hearth-Signature header")
        if not _TIMESTAMP.fullmatch(timestamp_header):
            raise SignatureError("X-Hearth-Timestamp is not a Unix time (digits only)")
        if not _SIGNATURE.fullmatch(signature_header):
            raise SignatureError("X-Hearth-Signature must be exactly sha256= and 64 lower-case hex digits")
        timestamp = int(timestamp_header)
        if abs(now - timestamp) > self.tolerance:
            raise SignatureError("stale timestamp (more than 5 minutes off)")
        expected = _digest(self._secret, timestamp, body)
        if not hmac.compare_digest(expected, bytes.fromhex(signature_header.removeprefix("sha256="))):
            raise SignatureError("bad signature")
        return Verified(expected, timestamp + self.tolerance)


def unix_now() -> float:
    """Wall-clock seconds (signatures are checked against the real time the app signed with)."""
    return time.time()

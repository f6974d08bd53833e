"""HMAC-SHA256 over "<timestamp>.<raw body>" with a shared secret, with a freshness window and replay guard."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict

TOLERANCE_SECONDS = 300


class SignatureError(ValueError):
    """The request is not authentic or not fresh; the message says which (for the 400/401 body)."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the X-Hearth-Signature header: `sha256=<hex>`."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class Verifier:
    """Checks signatures and refuses a signature seen before within the window (a replayed request)."""

    def __init__(self, secret: str, *, tolerance: int = TOLERANCE_SECONDS) -> None:
        self._secret = secret
        self.tolerance = tolerance
        self._seen: OrderedDict[str, float] = OrderedDict()

    def verify(self, timestamp_header: str | None, signature_header: str | None, body: bytes, now: float) -> None:
        """Raise `SignatureError` unless the request is signed with the secret, fresh, and not seen before."""
        if not timestamp_header or not signature_header:
            raise SignatureError("missing X-Hearth-Timestamp or X-Hearth-Signature header")
        try:
            timestamp = int(timestamp_header)
        except ValueError:
            raise SignatureError("X-Hearth-Timestamp is not a Unix time") from None
        if abs(now - timestamp) > self.tolerance:
            raise SignatureError("stale timestamp (more than 5 minutes off)")
        expected = sign(self._secret, timestamp, body)
        if not hmac.compare_digest(expected, signature_header.strip()):
            raise SignatureError("bad signature")
        self._forget_before(now - self.tolerance)
        if signature_header in self._seen:
            raise SignatureError("replayed request (this signature was already used)")
        self._seen[signature_header] = now

    def _forget_before(self, cutoff: float) -> None:
        while self._seen and next(iter(self._seen.values())) < cutoff:
            self._seen.popitem(last=False)


def unix_now() -> float:
    """Wall-clock seconds (signatures are checked against the real time the app signed with)."""
    return time.time()

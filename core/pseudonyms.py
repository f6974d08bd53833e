"""Keyed pseudonyms of user ids, for the little that is kept after a GDPR erasure (today's AI usage count).

A pseudonym is HMAC-SHA256(secret, user id) with one random secret per installation, kept in the database
(`installation_secrets`, created by the first erasure) so every bot process computes the same pseudonym. The raw
id is never stored next to it; without the secret a pseudonym cannot be matched to a user id (a plain hash of a
Discord id could be, by trying every plausible id).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

SECRET_NAME = "user_pseudonyms"
_GET = "SELECT secret FROM installation_secrets WHERE name = $1"
_CREATE = "INSERT INTO installation_secrets (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING"


async def installation_secret(executor: Any, name: str, *, create: bool = True) -> bytes | None:
    """The installation's random secret called `name` (32 bytes, the same in every bot process), made on first use
    with `create`; None when it does not exist and `create` is False. Also signs the events' calendar links."""
    secret = await executor.fetchval(_GET, name)
    if secret is None and create:
        # A concurrent first use may win the insert: read back whichever secret was stored.
        await executor.execute(_CREATE, name, secrets.token_bytes(32))
        secret = await executor.fetchval(_GET, name)
    return bytes(secret) if secret is not None else None


async def _secret(executor: Any, *, create: bool) -> bytes | None:
    return await installation_secret(executor, SECRET_NAME, create=create)


def _digest(secret: bytes, user_id: int) -> str:
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()


async def pseudonym(executor: Any, user_id: int) -> str | None:
    """The user's pseudonym, or None while no erasure ever created the secret (then nothing is kept under one)."""
    secret = await _secret(executor, create=False)
    return _digest(secret, user_id) if secret is not None else None


async def pseudonym_for_keeping(executor: Any, user_id: int) -> str:
    """The user's pseudonym, creating the installation's secret on first use (needs a writable transaction)."""
    secret = await _secret(executor, create=True)
    assert secret is not None
    return _digest(secret, user_id)

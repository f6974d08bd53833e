"""The LLM status for `GET /api/health`: `not_configured`, `ok` or `error`, from a cheap model listing, cached.

The health endpoint must stay fast: a probe waits at most `timeout` seconds (2 by default) and its result is
reused for `ttl` seconds (a failure for a shorter `error_ttl`, so recovery shows up soon). Concurrent health
checks share one probe.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from gpt.client import LLMClient, LLMError, Provider
from utils.clock import Clock

PROBE_TIMEOUT = 2.0
PROBE_TTL = 60.0
PROBE_ERROR_TTL = 15.0


class LLMProbe:
    """Answers "is the configured LLM reachable?" without ever blocking for long."""

    def __init__(self, config: Any, *, clock: Clock | None = None, client: LLMClient | None = None,
                 timeout: float = PROBE_TIMEOUT, ttl: float = PROBE_TTL, error_ttl: float = PROBE_ERROR_TTL) -> None:
        self.config = config
        self.clock = clock or Clock()
        self.provider = Provider.from_settings(config)
        self._client = client
        self._owns_client = client is None
        self.timeout = timeout
        self.ttl = ttl
        self.error_ttl = error_ttl
        self._cached: tuple[float, dict[str, Any]] | None = None
        self._lock = asyncio.Lock()

    async def status(self) -> dict[str, Any]:
        """`{"status": "not_configured"|"ok"|"error", ...}`; at most one probe per ttl, each within `timeout`."""
        if self.provider is None:
            return {"status": "not_configured"}
        async with self._lock:
            if self._cached is not None and self._cached[0] > time.monotonic():
                return dict(self._cached[1])
            result = await self._probe()
            ttl = self.ttl if result["status"] == "ok" else self.error_ttl
            self._cached = (time.monotonic() + ttl, result)
            return dict(result)

    def invalidate(self) -> None:
        """Forget the cached result (the next status() probes again)."""
        self._cached = None

    async def _probe(self) -> dict[str, Any]:
        assert self.provider is not None
        if self._client is None:
            self._client = LLMClient(self.provider, timeout=self.timeout, max_retries=0)
        started = time.perf_counter()
        base = {"model": self.config.openai_model, "checked_at": self.clock.now().isoformat()}
        try:
            # wait_for as well as the client's own timeout: a server that accepts and never answers headers
            # must not hold the health endpoint.
            await asyncio.wait_for(self._client.list_models(within=self.timeout), self.timeout)
        except (LLMError, TimeoutError) as exc:
            reason = exc.reason if isinstance(exc, LLMError) else "timed out"
            return {"status": "error", "error": reason, **base}
        return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 1), **base}

    async def close(self) -> None:
        """Close the probe's own HTTP client (not one it was given)."""
        if self._client is not None and self._owns_client:
            await self._client.close()
        self._client = None

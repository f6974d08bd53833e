"""One wrapper around `openai.AsyncOpenAI` for any OpenAI-compatible provider (OpenAI, xAI Grok, a local server).

It turns the library's failures into `LLMError` (logged here, once, with the cause) so callers deal with one
exception type, and reads the answer's text defensively (some compatible servers leave fields out).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gpt.prompts import ChatMessage
from utils.lazy_import import lazy_module

if TYPE_CHECKING:
    import openai
else:
    openai = lazy_module("openai")  # ~15 MiB resident: imported when a provider is configured, not at start-up

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0  # seconds per attempt
DEFAULT_MAX_RETRIES = 2  # the library retries timeouts, connection errors, 408/409/429 and 5xx with backoff


class LLMError(Exception):
    """The LLM call failed; `reason` is short and safe to show (no key, no prompt)."""

    def __init__(self, reason: str, *, transient: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class Provider:
    """Where the LLM lives: API key and base URL (None = OpenAI's), from the process settings."""

    api_key: str
    base_url: str | None = None

    @classmethod
    def from_settings(cls, config: Any) -> Provider | None:
        """The provider of `bot.config` (OPENAI_API_KEY, OPENAI_BASE_URL), or None when no key is set."""
        key = config.openai_api_key
        secret = key.get_secret_value() if key is not None else ""
        if not secret.strip():
            return None
        return cls(secret.strip(), (config.openai_base_url or "").strip() or None)


class LLMClient:
    """Chat completions and model listing against one provider, with a timeout and bounded retries."""

    def __init__(self, provider: Provider, *, timeout: float = DEFAULT_TIMEOUT,
                 max_retries: int = DEFAULT_MAX_RETRIES) -> None:
        self.provider = provider
        self.timeout = timeout
        self.max_retries = max_retries
        self._client: openai.AsyncOpenAI | None = None
        self._closed = False

    @property
    def _openai(self) -> openai.AsyncOpenAI:
        """The library's client, made on first use: making it loads the system's CA certificates (~20 ms), which a
        bot that never calls the LLM should not pay at every start."""
        if self._client is None:
            self._client = openai.AsyncOpenAI(api_key=self.provider.api_key, base_url=self.provider.base_url,
                                              timeout=self.timeout, max_retries=self.max_retries)
        return self._client

    async def chat(self, messages: Sequence[ChatMessage], *, model: str, temperature: float,
                   max_tokens: int | None = None, json_mode: bool = False) -> str:
        """The assistant's text for `messages`; raises `LLMError` on any failure or an empty answer."""
        extra: dict[str, Any] = {}
        if max_tokens is not None:
            extra["max_tokens"] = max_tokens
        if json_mode:
            extra["response_format"] = {"type": "json_object"}
        if self._closed:
            raise LLMError("the bot is shutting down")
        client = self._openai.with_options(timeout=self.timeout, max_retries=self.max_retries)
        try:
            completion = await client.chat.completions.create(
                model=model, messages=list(messages), temperature=temperature, **extra,  # type: ignore[arg-type]
            )
        except openai.OpenAIError as exc:
            raise _describe(exc, model) from exc
        except RuntimeError as exc:  # httpx refuses requests (a retry, say) once the bot closed the client
            if not self._openai.is_closed():
                raise
            log.info("LLM %s: request refused, the client was closed (the bot is shutting down)", model)
            raise LLMError("the bot is shutting down") from exc
        choices = completion.choices or []
        text = (choices[0].message.content or "").strip() if choices and choices[0].message else ""
        if not text:
            log.warning("LLM %s returned an empty answer (finish_reason=%s)", model,
                        choices[0].finish_reason if choices else "no choices")
            raise LLMError("empty answer")
        return text

    async def list_models(self, *, within: float) -> list[str]:
        """The provider's model ids: a cheap call that proves the key and the URL work (no retries)."""
        client = self._openai.with_options(timeout=within, max_retries=0)
        try:
            page = await client.models.list()
        except openai.OpenAIError as exc:
            raise _describe(exc, None, quiet=True) from exc
        return [model.id for model in page.data]

    async def close(self) -> None:
        """Close the HTTP connections (later calls are refused: the bot is shutting down)."""
        self._closed = True
        if self._client is not None:
            await self._client.close()


def _describe(exc: openai.OpenAIError, model: str | None, *, quiet: bool = False) -> LLMError:
    """Map the library's error to an `LLMError` and log it (configuration problems loudly)."""
    if isinstance(exc, openai.APITimeoutError):
        error = LLMError("timed out")
    elif isinstance(exc, openai.APIConnectionError):
        error = LLMError("could not connect")
    elif isinstance(exc, openai.RateLimitError):
        error = LLMError("rate limited")
    elif isinstance(exc, openai.InternalServerError):
        error = LLMError(f"server error {exc.status_code}")
    elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        error = LLMError("the API key was refused", transient=False)
    elif isinstance(exc, openai.NotFoundError):
        error = LLMError(f"model or URL not found{f' ({model})' if model else ''}", transient=False)
    elif isinstance(exc, openai.APIStatusError):
        error = LLMError(f"request refused ({exc.status_code})", transient=False)
    else:
        error = LLMError(type(exc).__name__)
    if not quiet:
        level = logging.WARNING if error.transient else logging.ERROR
        log.log(level, "LLM call failed (model %s): %s: %s", model, error.reason, exc)
    return error

"""A local OpenAI-compatible server for tests: the real `openai` client talks to it over HTTP.

It serves `POST /v1/chat/completions` and `GET /v1/models` on 127.0.0.1 (random port) with payloads shaped
like OpenAI's, records every request, and answers from a script the test writes:

```python
async def test_something(llm):
    llm.reply("Keep going!")                      # next completion answers this text
    llm.reply_json({"summary": "..."})            # ... or this JSON object (as text)
    llm.fail(500, times=3)                        # the next 3 requests answer 500 (429 works the same)
    llm.hang()                                    # the next request never answers (test your timeout)
    llm.raw("not json at all")                    # content that is not valid JSON
    llm.respond_with(lambda request: "...")       # or compute the answer from the request
    ...
    assert llm.completions[-1].messages[-1]["content"] == "..."
```

Error answers carry `retry-after-ms: 1`, so the client's retries happen at once (no real sleeping).
Register it with `pytest_plugins = [..., "tests.llm_standin"]` (or `-p tests.llm_standin`); the `llm` fixture
yields a started `LLMStandIn` whose `.base_url` goes into `OPENAI_BASE_URL`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import web

DEFAULT_REPLY = "This is the stand-in's reply."
MODELS = ("gpt-4o-mini", "grok-3-mini", "local-model")


@dataclass
class LLMRequest:
    """One request the stand-in received."""

    method: str
    path: str
    body: dict[str, Any]
    authorization: str | None

    @property
    def model(self) -> str | None:
        return self.body.get("model")

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.body.get("messages", [])

    @property
    def temperature(self) -> float | None:
        return self.body.get("temperature")

    @property
    def response_format(self) -> dict[str, Any] | None:
        return self.body.get("response_format")

    @property
    def prompt_text(self) -> str:
        """Every message's content joined, for `in` assertions."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


@dataclass
class Fail:
    """Answer with an HTTP error, in OpenAI's error shape."""

    status: int
    message: str = "The stand-in was told to fail."


@dataclass
class Hang:
    """Never answer (until the stand-in closes): the client's timeout must fire."""


@dataclass
class Raw:
    """A completion whose content is exactly `text` (e.g. malformed JSON)."""

    text: str


Reply = str | Fail | Hang | Raw
Responder = Callable[[LLMRequest], Reply]


@dataclass
class LLMStandIn:
    """The server, its script and what it received."""

    host: str = "127.0.0.1"
    requests: list[LLMRequest] = field(default_factory=list)
    default: Responder = field(default=lambda _: DEFAULT_REPLY)
    models_status: int = 200  # set to 500 to make the health probe fail
    hang_models: bool = False
    in_flight: int = field(default=0, init=False)  # completion requests being answered (or hanging) right now
    _script: deque[Reply] = field(default_factory=deque, init=False)
    _runner: web.AppRunner | None = field(default=None, init=False)
    _port: int = field(default=0, init=False)
    _released: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1), init=False)

    # --- scripting -------------------------------------------------------------------------------------

    def reply(self, *texts: str) -> None:
        """Queue completion texts, answered in order."""
        self._script.extend(texts)

    def reply_json(self, value: Any) -> None:
        """Queue a completion whose content is `value` as JSON text."""
        self._script.append(json.dumps(value))

    def raw(self, text: str) -> None:
        """Queue a completion whose content is `text` as is."""
        self._script.append(Raw(text))

    def fail(self, status: int, *, times: int = 1, message: str = "The stand-in was told to fail.") -> None:
        """Queue `times` error answers with `status` (429, 500, 503 ...)."""
        self._script.extend(Fail(status, message) for _ in range(times))

    def hang(self, *, times: int = 1) -> None:
        """Queue `times` requests that never get an answer."""
        self._script.extend(Hang() for _ in range(times))

    def respond_with(self, responder: Responder) -> None:
        """Answer every unscripted request with `responder(request)`."""
        self.default = responder

    # --- what was received -----------------------------------------------------------------------------

    @property
    def completions(self) -> list[LLMRequest]:
        """Every chat completion request, oldest first."""
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    @property
    def model_listings(self) -> list[LLMRequest]:
        """Every GET /v1/models (the health probe)."""
        return [r for r in self.requests if r.path == "/v1/models"]

    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL should be."""
        return f"http://{self.host}:{self._port}/v1"

    # --- server ----------------------------------------------------------------------------------------

    async def start(self) -> LLMStandIn:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        # handler_cancellation: a request the client gave up on (its timeout) stops being "in flight".
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        self._released.set()  # hanging handlers return, so shutdown is instant
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _record(self, request: web.Request) -> LLMRequest:
        body: dict[str, Any] = {}
        if request.can_read_body:
            body = await request.json()
        recorded = LLMRequest(request.method, request.path, body, request.headers.get("Authorization"))
        self.requests.append(recorded)
        return recorded

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        try:
            return await self._answer_chat(request)
        finally:
            self.in_flight -= 1

    async def _answer_chat(self, request: web.Request) -> web.StreamResponse:
        recorded = await self._record(request)
        answer = self._script.popleft() if self._script else self.default(recorded)
        if isinstance(answer, Hang):
            await self._released.wait()
            return web.Response(status=499)
        if isinstance(answer, Fail):
            return _error(answer)
        text = answer.text if isinstance(answer, Raw) else answer
        return web.json_response(self._completion(recorded, text))

    async def _models(self, request: web.Request) -> web.StreamResponse:
        await self._record(request)
        if self.hang_models:
            await self._released.wait()
        if self.models_status != 200:
            return _error(Fail(self.models_status))
        data = [{"id": name, "object": "model", "created": 1_700_000_000, "owned_by": "standin"} for name in MODELS]
        return web.json_response({"object": "list", "data": data})

    def _completion(self, request: LLMRequest, text: str) -> dict[str, Any]:
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in request.messages)
        completion_tokens = len(text.split())
        return {
            "id": f"chatcmpl-standin-{next(self._ids)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": request.model or "unknown",
            "system_fingerprint": "fp_standin",
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }


def _error(fail: Fail) -> web.Response:
    kind = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(fail.status, "server_error")
    body = {"error": {"message": fail.message, "type": kind, "param": None, "code": kind}}
    # retry-after-ms: the openai client honours it, so its retries in tests cost a millisecond, not seconds.
    return web.json_response(body, status=fail.status, headers={"retry-after-ms": "1"})


@pytest_asyncio.fixture(loop_scope="session")
async def llm() -> AsyncIterator[LLMStandIn]:
    """A started OpenAI-compatible stand-in; closed after the test."""
    server = await LLMStandIn().start()
    try:
        yield server
    finally:
        await server.close()

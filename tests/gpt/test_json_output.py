"""The structured JSON helper: robust parsing, one repair request at most, a clear error after that."""

from __future__ import annotations

import pytest

from core.db import HearthPool
from gpt.errors import AIInvalidResponse
from gpt.json_output import InvalidJSONAnswer, parse_json_object
from gpt.service import LLMService
from tests.kit.gpt import GUILD, USER, usage
from tests.llm_standin import LLMStandIn

ASK = [{"role": "user", "content": "Summarise the ticket."}]


@pytest.mark.parametrize("text", [
    '{"summary": "ok", "tags": ["a"]}',
    '```json\n{"summary": "ok", "tags": ["a"]}\n```',
    '```\n{"summary": "ok", "tags": ["a"]}\n```',
    'Sure! Here it is:\n{"summary": "ok", "tags": ["a"]}\nHope that helps.',
])
def test_parse_accepts_bare_fenced_and_wrapped_objects(text: str) -> None:
    assert parse_json_object(text, ("summary",)) == {"summary": "ok", "tags": ["a"]}


@pytest.mark.parametrize(("text", "problem"), [
    ("not json", "it is not valid JSON"),
    ('{"summary": "unterminated', "it is not valid JSON"),
    ('["summary"]', "it is JSON but not an object (got list)"),
    ('{"title": "x"}', "the object lacks the key(s) summary"),
])
def test_parse_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(InvalidJSONAnswer, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_json_object(text, ("summary",))


async def test_valid_answer_needs_one_request_in_json_mode(service: LLMService, llm: LLMStandIn) -> None:
    llm.reply_json({"summary": "Printer is on fire", "priority": "high"})
    data = await service.ask_json(ASK, guild_id=GUILD, required=("summary", "priority"))
    assert data == {"summary": "Printer is on fire", "priority": "high"}
    [request] = llm.completions
    assert request.response_format == {"type": "json_object"}
    assert '"summary", "priority"' in request.messages[-1]["content"]


async def test_fenced_answer_is_accepted(service: LLMService, llm: LLMStandIn) -> None:
    llm.raw('```json\n{"summary": "fenced"}\n```')
    assert await service.ask_json(ASK, guild_id=GUILD, required=("summary",)) == {"summary": "fenced"}
    assert len(llm.completions) == 1


async def test_invalid_answer_is_repaired_once(service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    llm.raw("The summary is: printer broken")
    llm.reply_json({"summary": "printer broken"})
    data = await service.ask_json(ASK, guild_id=GUILD, required=("summary",), user_id=USER)
    assert data == {"summary": "printer broken"}
    first, repair = llm.completions
    assert repair.messages[:len(first.messages)] == first.messages
    assert repair.messages[-2] == {"role": "assistant", "content": "The summary is: printer broken"}
    assert "it is not valid JSON" in repair.messages[-1]["content"]
    assert await usage(clean_db) == {"2026-01-05": 1}  # one user request, one unit


async def test_invalid_twice_is_a_clear_error_and_refunded(
        service: LLMService, llm: LLMStandIn, clean_db: HearthPool) -> None:
    llm.raw("nope")
    llm.reply_json({"title": "still no summary"})
    with pytest.raises(AIInvalidResponse) as failed:
        await service.ask_json(ASK, guild_id=GUILD, required=("summary",), user_id=USER)
    assert failed.value.message == ("The AI service gave an answer I could not understand, try again later. "
                                    "This request did not count against your daily AI limit.")
    assert len(llm.completions) == 2  # never a third request
    assert "lacks the key(s) summary" not in llm.completions[1].prompt_text  # the 2nd problem was never sent
    assert await usage(clean_db) == {"2026-01-05": 0}

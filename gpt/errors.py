"""What the AI features tell users when they cannot answer: every one is a `UserFacingError`, shown ephemerally
by the command tree (or by a view's error handler), never dressed up as the AI's reply."""

from __future__ import annotations

from datetime import datetime

import discord

from utils.errors import UserFacingError

_REFUNDED = " This request did not count against your daily AI limit."


class AINotConfigured(UserFacingError):
    """No API key is set for the bot: the AI features are off everywhere."""

    def __init__(self) -> None:
        super().__init__("AI is not configured on this server, so this feature is unavailable. "
                         "The bot's operator can enable it by setting an OpenAI-compatible API key.")


class AIDisabled(UserFacingError):
    """The server's admins turned the AI features off (`gpt.enabled`)."""

    def __init__(self) -> None:
        super().__init__("The AI features are turned off on this server. "
                         "An admin can turn them on with `/config set scope:gpt key:enabled value:yes`.")


class AIUnavailable(UserFacingError):
    """The LLM service failed (timeout, rate limit, server error, refused request)."""

    def __init__(self, detail: str | None = None, *, refunded: bool = False) -> None:
        text = "The AI service is not answering right now, try again later."
        if detail:
            text += f" ({detail})"
        super().__init__(text + (_REFUNDED if refunded else ""))


class AIInvalidResponse(UserFacingError):
    """The LLM's answer could not be used (not the JSON asked for, even after one repair attempt)."""

    def __init__(self, *, refunded: bool = False) -> None:
        super().__init__("The AI service gave an answer I could not understand, try again later."
                         + (_REFUNDED if refunded else ""))


class QuotaExceeded(UserFacingError):
    """The user used all of today's AI requests on this server (for yearly and lifetime: the fair-use ceiling)."""

    def __init__(self, limit: int, resets_at: datetime, *, premium: bool, fair_use: bool = False) -> None:
        self.limit = limit
        self.resets_at = resets_at
        when = discord.utils.format_dt(resets_at, "R")
        text = f"You've used all {limit} of your AI requests for today on this server"
        if fair_use:
            text += " (the fair-use ceiling of your premium plan, which keeps the AI available for everyone)"
        text += f". They reset {when} (midnight UTC)."
        if not premium:
            text += " Premium members get more requests per day."
        super().__init__(text)


class GuildBudgetExceeded(UserFacingError):
    """The server used all of today's AI budget for background features (embed watcher, ticket summaries)."""

    def __init__(self, limit: int, resets_at: datetime) -> None:
        self.limit = limit
        self.resets_at = resets_at
        when = discord.utils.format_dt(resets_at, "R")
        super().__init__(f"This server used all {limit} of today's AI requests for background features (embed "
                         f"watcher, ticket summaries). They resume {when} (midnight UTC).")

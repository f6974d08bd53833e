"""What `/status` (admins) and `/about` (everyone) show, built from the health report (`HealthCog.report`, the same
figures as GET /api/health) and the timers service's queue."""

from __future__ import annotations

from typing import Any

import discord

from utils.durations import format_duration

PRIVACY = ("Hearth stores what its features need on this server: its settings, what members create (reminders, "
           "tickets, tags …), moderation cases, counters such as levels and points, and a log of the commands "
           "used, kept for a limited time. `/export_my_data` sends you everything Hearth holds about you; "
           "`/delete_my_data` erases it.")
REPOSITORY_DOCS = "the admin guide in Hearth's repository (docs/README and docs/)"


def _shards(report: dict[str, Any]) -> str:
    lines = []
    for shard in report["shards"]:
        latency = "no heartbeat yet" if shard["latency_ms"] is None else f"{shard['latency_ms']:.0f} ms"
        state = "connected" if shard["connected"] else "**disconnected**"
        lines.append(f"Shard {shard['id']}: {state}, {latency}")
    return "\n".join(lines) or "No gateway connection"


def _database(report: dict[str, Any]) -> str:
    database = report["database"]
    if database["status"] != "up":
        return f"**down** ({database.get('error', 'unreachable')})"
    return f"up, round trip {database['latency_ms']:.1f} ms"


def _llm(llm: dict[str, Any]) -> str:
    status = llm.get("status")
    if status == "not_configured":
        return "not configured (no API key)"
    if status == "ok":
        return f"configured, reachable ({llm.get('model')}, {llm.get('latency_ms', 0):.0f} ms)"
    return f"configured, **unreachable** ({llm.get('error', 'error')})"


def stripe_status(config: Any) -> str:
    """Whether premium payments through Stripe are configured (the key, and the webhook secret that signs events)."""
    if config.stripe_secret_key is None:
        return "not configured"
    if config.stripe_webhook_secret is None:
        return "API key set, **webhook secret missing** (payments are not confirmed)"
    return "configured"


def status_embed(report: dict[str, Any], queued: dict[str, int] | None, stripe: str) -> discord.Embed:
    """The /status card."""
    healthy = report["database"]["status"] == "up"
    embed = discord.Embed(title="Hearth status", colour=discord.Colour.green() if healthy else discord.Colour.red())
    embed.add_field(name="Version", value=report["version"])
    embed.add_field(name="Uptime", value=format_duration(report["uptime_seconds"]))
    embed.add_field(name="Servers", value=str(report["guild_count"]))
    embed.add_field(name="Gateway latency", value=_shards(report), inline=False)
    embed.add_field(name="Database", value=_database(report), inline=False)
    embed.add_field(name="AI (LLM)", value=_llm(report["llm"]), inline=False)
    embed.add_field(name="Stripe", value=stripe, inline=False)
    if queued is None:
        jobs = "unknown (the database is down)"
    else:
        jobs = (f"This server: {queued['guild_due']} due, {queued['guild_future']} scheduled\n"
                f"All servers: {queued['all_due']} due, {queued['all_future']} scheduled")
    embed.add_field(name="Queued jobs", value=jobs, inline=False)
    return embed


def about_embed(version: str, docs_url: str | None) -> discord.Embed:
    """The /about card: version, where the docs are, what is stored and how to get or erase it."""
    embed = discord.Embed(title="About Hearth", description="A community bot: reminders and events, tickets, FAQ, "
                          "moderation, onboarding and more.", colour=discord.Colour.blurple())
    embed.add_field(name="Version", value=version)
    embed.add_field(name="Documentation", value=docs_url or REPOSITORY_DOCS)
    embed.add_field(name="Privacy", value=PRIVACY, inline=False)
    return embed

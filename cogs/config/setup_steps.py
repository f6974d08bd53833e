"""The steps of the setup wizard (`/config setup`): what each asks, which settings it fills, and how its panel looks.

The wizard keeps no state of its own: each step stores its answer as settings at once (through the same gate as
`/config set`), and the panel's buttons and selects carry the step in their custom ids, so a panel keeps working
after a restart, and `/config setup` opens at the first step whose settings are still unset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from core.modules import Modules

COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw",
    "Europe/Helsinki", "Europe/Moscow", "America/New_York", "America/Chicago", "America/Denver",
    "America/Los_Angeles", "America/Sao_Paulo", "America/Mexico_City", "Asia/Kolkata", "Asia/Shanghai",
    "Asia/Tokyo", "Asia/Singapore", "Asia/Dubai", "Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg",
)


@dataclass(frozen=True)
class Step:
    """One page of the wizard."""

    key: str
    title: str
    explain: str
    settings: tuple[tuple[str, str], ...]  # the (scope, key) pairs it fills; empty for the modules and summary
    module: str | None = None  # shown only when this module is loaded and on


STEPS: tuple[Step, ...] = (
    Step("timezone", "Time zone", "Reminders, events, daily resets and every time I show use this time zone. "
         "Pick it below (or type another with **Other zone…**).", (("system", "timezone"),)),
    Step("staff", "Staff role", "Members with this role handle tickets, FAQ entries and tags as staff. "
         "(Moderation commands follow Discord's own permissions.)", (("system", "staff_role"),)),
    Step("logs", "Log channels", "**Bot notices**: where I report problems and setting changes (keep it private "
         "to staff). **Server logs**: where edits, deletions, joins, leaves and server changes are logged.",
         (("system", "log_channel"),)),
    Step("modules", "Modules", "Pick the features this server uses; the others are turned off (their commands "
         "are refused and they do nothing). You can change this any time with `/config modules`.", ()),
    Step("tickets", "Tickets", "The category where ticket channels are created. Then post the button with "
         "`/ticket panel`.", (("tickets", "category"),), module="tickets"),
    Step("welcome", "Welcome", "The channel where new members are greeted (the message is set with "
         "`/config set scope:welcome`).", (("welcome", "welcome_channel"),), module="welcome"),
    Step("done", "All set", "", ()),
)
BY_KEY = {step.key: step for step in STEPS}
NEXT_STEPS = (
    "• `/help` shows members what they can use; `/config permissions` limits where commands work.",
    "• `/ticket panel` posts the button members open tickets with.",
    "• `/config list` shows every setting; `/config history` every change (with rollback).",
    "• Run `/config setup` again any time to change these answers.",
)


async def shown_steps(bot: Any, guild_id: int) -> list[Step]:
    """The steps for this guild: those of modules that are loaded and on, in order."""
    modules: Modules = bot.modules
    shown = []
    for step in STEPS:
        if step.module is not None:
            module = modules.get(step.module)
            if module is None or not await modules.is_on(guild_id, module):
                continue
        shown.append(step)
    return shown


async def first_open_step(bot: Any, guild_id: int) -> Step:
    """Where `/config setup` opens: the first step whose settings are all unset (the start when all are set)."""
    stored = await bot.guild_settings.stored(guild_id)
    steps = await shown_steps(bot, guild_id)
    for step in steps:
        if step.settings and not any(pair in stored for pair in step.settings):
            return step
    return steps[0]


async def neighbour(bot: Any, guild_id: int, step: Step, offset: int) -> Step:
    """The step before (-1) or after (+1) `step` among those shown (itself at either end)."""
    steps = await shown_steps(bot, guild_id)
    keys = [s.key for s in steps]
    index = keys.index(step.key) if step.key in keys else 0
    return steps[max(0, min(len(steps) - 1, index + offset))]


async def describe_value(bot: Any, guild: discord.Guild, scope: str, key: str) -> str:
    """A setting's current value as a member would read it."""
    value = await bot.guild_settings.get(guild.id, scope, key)
    if value is None:
        return "not set"
    spec = bot.guild_settings.spec(scope, key)
    kind = spec.type.value
    if kind == "channel":
        return f"<#{value}>"
    if kind == "role":
        return f"<@&{value}>"
    return f"`{value}`"


async def step_embed(bot: Any, guild: discord.Guild, step: Step) -> discord.Embed:
    """The panel's text for `step`: what it asks, and what is set now."""
    steps = await shown_steps(bot, guild.id)
    number = next((i for i, s in enumerate(steps, 1) if s.key == step.key), 1)
    embed = discord.Embed(title=f"Setup · {number}/{len(steps)} · {step.title}", colour=discord.Colour.blurple(),
                          description=step.explain or None)
    if step.key == "done":
        summary = []
        for shown in steps:
            for scope, key in shown.settings:
                summary.append(f"**{shown.title}**: {await describe_value(bot, guild, scope, key)}")
        modules: Modules = bot.modules
        on = [m.label for m in modules.all() if await modules.is_on(guild.id, m)]
        summary.append(f"**Modules on**: {', '.join(on) or 'none'}")
        embed.add_field(name="Your answers", value="\n".join(summary)[:1024], inline=False)
        embed.add_field(name="What next", value="\n".join(NEXT_STEPS), inline=False)
        return embed
    for scope, key in step.settings:
        embed.add_field(name="Now", value=await describe_value(bot, guild, scope, key), inline=False)
    if step.key == "logs":
        embed.add_field(name="Server logs now",
                        value=await describe_value(bot, guild, "logs", "messages_channel")
                        if bot.settings_registry.get("logs", "messages_channel") else "the server logs are not loaded",
                        inline=False)
    return embed

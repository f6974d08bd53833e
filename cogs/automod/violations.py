"""What happens when rules fire: trial rules only log; otherwise the strongest rule acts once per message.

Order: hierarchy check (refused → logged, nothing done) → delete the message → add points and pick an
escalation step → write automod_logs → DM the member (with Appeal) → mute / time out / ban → post the log
embed (with a jump link and False positive) → count the trigger in the daily stats. Only messages that break
a rule get here: the database is never touched for a clean message.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import discord

from cogs.automod import actions, cases, escalation, repo
from cogs.automod.actions import Outcome
from cogs.automod.appeals import AppealButton, FalsePositiveButton
from cogs.automod.matchers import Hit
from cogs.automod.settings import (
    AUTOMOD_DECAY_MODE,
    AUTOMOD_DECAY_PERIOD,
    AUTOMOD_ESCALATION,
    AUTOMOD_MUTE_ROLE,
    AUTOMOD_TIMEOUT_DURATION,
)
from core.guild_kit import post_to_log

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract
    from core.message_pipeline import MessageContext

log = logging.getLogger(__name__)
COLOURS = {"trial": discord.Colour.light_grey(), "refused": discord.Colour.dark_grey(),
           "delete": discord.Colour.orange(), "warn": discord.Colour.gold(), "mute": discord.Colour.dark_orange(),
           "timeout": discord.Colour.red(), "ban": discord.Colour.dark_red(), "log": discord.Colour.blurple()}


def _strength(hit: Hit) -> tuple[int, int]:
    action = hit.rule.action
    if action is None:
        return (-1, 0)
    return (escalation.STRENGTH[action.type], action.severity)


class Violations:
    """Turns hits into logs, actions and stats."""

    def __init__(self, cog: AutomodContract) -> None:
        self.cog = cog
        self.bot = cog.bot

    async def handle(self, message: discord.Message, member: discord.Member, hits: list[Hit], *,
                     received: float, ctx: MessageContext | None = None,
                     ai_analysis: dict[str, Any] | None = None) -> None:
        """Act on the rules that fired for one message."""
        now = self.bot.clock.now()
        for hit in hits:
            self.cog.stats.add(member.guild.id, hit.rule.id, now.date(), triggers=1,
                               response_ms=(time.perf_counter() - received) * 1000)
        for hit in (h for h in hits if h.rule.trial):
            would = hit.rule.action.type if hit.rule.action else "log only"
            await self._record(message, member, hit, Outcome(f"trial: {would}", done=False), 0.0, "trial",
                               ai_analysis, title=f"🧪 Trial rule: would {would}")
        live = [h for h in hits if not h.rule.trial]
        if not live:
            return
        hit = max(live, key=_strength)
        rule, action = hit.rule, hit.rule.action
        problem = actions.hierarchy_problem(member)
        if problem:
            await self._record(message, member, hit, Outcome("refused", done=False, notes=[f"not acted on: {problem}"]),
                               0.0, "refused", ai_analysis, title="⛔ Automod rule fired; no action taken")
            return
        if action is None:
            await self._record(message, member, hit, Outcome("log", done=False), 0.0, "log", ai_analysis)
            return
        notes: list[str] = []
        if action.deletes:
            note = await actions.delete_message(message)
            if note:
                notes.append(note)
            elif ctx is not None:
                ctx.mark_deleted()
        mode = await self.bot.guild_settings.setting(member.guild.id, AUTOMOD_DECAY_MODE)
        period = float(await self.bot.guild_settings.setting(member.guild.id, AUTOMOD_DECAY_PERIOD))
        total, events = await escalation.add_points(self.cog.pool, member.guild.id, member.id, rule.type,
                                                    rule.points, now, now, mode, period)
        step = escalation.pick_step(await self.bot.guild_settings.setting(member.guild.id, AUTOMOD_ESCALATION) or [],
                                    total, events, now.timestamp())
        default_timeout = int(await self.bot.guild_settings.setting(member.guild.id, AUTOMOD_TIMEOUT_DURATION))
        kind = action.type
        duration = int(action.config.get("duration") or default_timeout) if kind == "timeout" else 0
        escalated = None
        if step is not None and (escalation.STRENGTH[step.kind], step.duration or default_timeout) > (
                escalation.STRENGTH[kind], duration):
            kind, duration, escalated = step.kind, step.duration or default_timeout, step.why
        role_id, role_setter, role_source = await self.mute_role(member.guild.id, action)
        outcome = Outcome(kind, duration if kind == "timeout" else None, role_id if kind == "mute" else None,
                          notes=notes, role_setter=role_setter, role_source=role_source)
        if escalated:
            outcome.notes.insert(0, f"escalated: {escalated}")
        await self._record(message, member, hit, outcome, rule.points, kind, ai_analysis, total=total,
                           act=True)

    async def mute_role(self, guild_id: int, action: Any = None) -> tuple[int | None, int | None, str]:
        """The mute role (the action's, else `automod.mute_role`), who configured it (role safety checks the role
        against them each time it is given) and where it is configured, for the log."""
        role_id = action.config.get("role_id") if action is not None else None
        if role_id:
            return role_id, action.role_set_by, f"automod action #{action.id}"
        return (await self.bot.guild_settings.setting(guild_id, AUTOMOD_MUTE_ROLE),
                await self.bot.guild_settings.setter(guild_id, "automod", "mute_role"), "`automod.mute_role`")

    async def _record(self, message: discord.Message, member: discord.Member, hit: Hit, outcome: Outcome,
                      points: float, colour: str, ai_analysis: dict[str, Any] | None, *, title: str | None = None,
                      total: float | None = None, act: bool = False) -> int:
        guild = member.guild
        context = {"kind": outcome.kind, "duration": outcome.duration, "role_id": outcome.role_id,
                   "reason": hit.reason, "rule_type": hit.rule.type, "rule_name": hit.rule.name}
        log_id = await repo.insert_log(self.cog.pool, guild.id, member.id, message.id, message.channel.id,
                                       hit.rule.id, outcome.label, message.content[:4000], context, points,
                                       self.bot.clock.now(), ai_analysis)
        if act:
            # A refused mute role: not muted, so not told they were (the log embed says why).
            if not await self.mute_refused(guild, outcome):
                if outcome.kind != "delete":
                    appeal = AppealButton(guild.id, log_id) if outcome.kind in actions.APPEALABLE else None
                    embed = actions.member_embed(guild, outcome, hit.rule.name, hit.reason)
                    note = await actions.send_dm(member, embed, appeal)
                    if note:
                        outcome.notes.append(note)
                with cases.acting_on(self.bot, guild.id, member.id, outcome.kind):
                    await actions.apply(outcome, member, f"{hit.rule.name}: {hit.reason}")
                if not outcome.done:
                    cases.not_acting(self.bot, guild.id, member.id, outcome.kind)
            # The one case log (when moderation is loaded): the rule as the moderator, the message as evidence.
            escalated = next((n for n in outcome.notes if n.startswith("escalated: ")), None)
            case = await cases.record_action(self.bot, guild, outcome, target_id=member.id, rule_name=hit.rule.name,
                                             reason=hit.reason + (f" ({escalated})" if escalated else ""),
                                             points=points, evidence=cases.evidence_of(message))
            if case is not None:
                context["case"] = case
            if outcome.notes or case is not None:
                context["notes"] = outcome.notes
                label = outcome.label if outcome.done else f"{outcome.label} (failed)"
                await repo.update_log_outcome(self.cog.pool, guild.id, log_id, label, context)
        embed = self._embed(message, member, hit, outcome, title, total)
        if context.get("case") is not None:
            embed.add_field(name="Case", value=f"#{context['case']}")
        view = discord.ui.View(timeout=None)
        view.add_item(FalsePositiveButton(guild.id, log_id))
        await post_to_log(self.bot, guild, feature="automod", what="an automod log entry", embed=embed, view=view)
        return log_id

    async def mute_refused(self, guild: discord.Guild, outcome: Outcome) -> bool:
        """Role safety for the mute role, against whoever configured it: True (and a note) when it is refused."""
        role = guild.get_role(outcome.role_id or 0) if outcome.kind == "mute" else None
        if role is None:
            return False  # no mute (or no mute role: `actions.apply` says so)
        refusal = await self.bot.role_grants.refusal(guild, role, outcome.role_setter, source=outcome.role_source)
        if refusal is None:
            return False
        outcome.done = False
        outcome.notes.append(f"not muted: {refusal.reason}")
        return True

    def _embed(self, message: discord.Message, member: discord.Member, hit: Hit, outcome: Outcome,
               title: str | None, total: float | None) -> discord.Embed:
        rule = hit.rule
        colour = COLOURS.get(outcome.kind.split(":")[0], COLOURS["log"])
        embed = discord.Embed(title=title or f"🛡️ Automod: {outcome.label}", colour=colour,
                              timestamp=self.bot.clock.now())
        embed.add_field(name="Member", value=f"{member.mention} ({member.id})")
        embed.add_field(name="Channel", value=f"{message.channel.mention} · [jump to message]({message.jump_url})")
        embed.add_field(name="Rule", value=f"#{rule.id} {rule.name} ({rule.type})"[:1024])
        embed.add_field(name="Reason", value=hit.reason[:1024], inline=False)
        if total is not None:
            embed.add_field(name="Points", value=f"{total:.1f}")
        if message.content:
            embed.add_field(name="Message", value=message.content[:1000], inline=False)
        if outcome.notes:
            embed.add_field(name="Notes", value="\n".join(f"• {n}" for n in outcome.notes)[:1024], inline=False)
        return embed

    async def remove_points(self, row: Any, *, taken: bool = False) -> None:
        """Take back the points of a logged violation (false positive, approved appeal, a removed case), once
        (`taken`: the caller already marked them taken back)."""
        if not row["points"]:
            return
        if not taken:
            row = await repo.take_points(self.cog.pool, row["guild_id"], row["id"])
            if row is None:
                return  # already taken back
        guild_id = row["guild_id"]
        mode = await self.bot.guild_settings.setting(guild_id, AUTOMOD_DECAY_MODE)
        period = float(await self.bot.guild_settings.setting(guild_id, AUTOMOD_DECAY_PERIOD))
        rule_type = (row["context"] or {}).get("rule_type", "unknown")
        await escalation.add_points(self.cog.pool, guild_id, row["user_id"], rule_type, -row["points"],
                                    row["timestamp"], self.bot.clock.now(), mode, period)

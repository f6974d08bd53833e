"""Points from outside automod's rules (a moderator's `/warn`, through `AutomodApi`) and the escalation they reach.

A manual warning's points are kept where automod keeps its own: an event in `automod_user_history` (rule type
`manual`), so they decay and add up with the points of automod's rules under the same `automod.escalation` steps,
and a row of `automod_logs` naming the warning's case (`context.case`), so removing the warning takes exactly its
points back, once. When the total reaches a step stronger than a warning, automod takes that step as after one of
its own rules: the member is DMed with an Appeal button, then muted, timed out or banned; the step is logged in the
automod log and recorded as a case that follows the warning (when moderation is loaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from cogs.automod import actions, cases, escalation, repo
from cogs.automod.actions import Outcome
from cogs.automod.appeals import AppealButton
from cogs.automod.settings import (
    AUTOMOD_DECAY_MODE,
    AUTOMOD_DECAY_PERIOD,
    AUTOMOD_ESCALATION,
    AUTOMOD_TIMEOUT_DURATION,
)
from core.guild_kit import post_to_log

if TYPE_CHECKING:
    from cogs.automod.contract import AutomodContract

MANUAL = "manual"  # the rule type under which manual warnings' points are kept
ESCALATION = "Escalation"  # the "rule" named as the moderator of an escalation's case


@dataclass(frozen=True)
class Escalated:
    """An escalation step reached by added points: what was done (or why not) and its case."""

    kind: str
    duration: int | None
    why: str
    done: bool
    notes: tuple[str, ...] = ()
    case_number: int | None = None

    def describe(self) -> str:
        """One line for the moderator: `escalated to a timeout 1h (3.0 points (threshold 3)), case #4`."""
        what = f"timeout {actions.format_duration(self.duration)}" if self.kind == "timeout" and self.duration \
            else self.kind
        text = f"escalated to **{what}** ({self.why})" if self.done else f"escalation to **{what}** not applied"
        if self.case_number is not None:
            text += f", case #{self.case_number}"
        return text + "".join(f"; {note}" for note in self.notes)


class OutsidePoints:
    """Adds and takes back points of moderation cases; runs the escalation they reach."""

    def __init__(self, cog: AutomodContract) -> None:
        self.cog = cog
        self.bot = cog.bot

    async def add(self, guild: discord.Guild, member: discord.Member, points: float, reason: str,
                  case_number: int | None) -> Escalated | None:
        """Record a manual warning's points; the escalation step they reach (taken), or None."""
        now = self.bot.clock.now()
        mode = await self.bot.guild_settings.setting(guild.id, AUTOMOD_DECAY_MODE)
        period = float(await self.bot.guild_settings.setting(guild.id, AUTOMOD_DECAY_PERIOD))
        total, events = await escalation.add_points(self.cog.pool, guild.id, member.id, MANUAL, points, now, now,
                                                    mode, period)
        context = {"kind": "warn", "reason": reason, "rule_type": MANUAL, "rule_name": "Manual warning",
                   "case": case_number}
        await repo.insert_log(self.cog.pool, guild.id, member.id, None, None, None, "warn (manual)", None, context,
                              points, now)
        steps = await self.bot.guild_settings.setting(guild.id, AUTOMOD_ESCALATION) or []
        step = escalation.pick_step(steps, total, events, now.timestamp())
        if step is None or escalation.STRENGTH[step.kind] <= escalation.STRENGTH["warn"]:
            return None
        return await self.escalate(guild, member, step, total, case_number)

    async def escalate(self, guild: discord.Guild, member: discord.Member, step: escalation.Step, total: float,
                       after_case: int | None) -> Escalated:
        """Take an escalation step reached outside automod's rules: DM (with Appeal), act, log, record a case."""
        duration = None
        if step.kind == "timeout":
            duration = step.duration or int(await self.bot.guild_settings.setting(guild.id,
                                                                                  AUTOMOD_TIMEOUT_DURATION))
        problem = actions.hierarchy_problem(member)
        if problem is None and await self.cog.is_staff(member):
            problem = "they are staff"
        if problem is not None:
            return Escalated(step.kind, duration, step.why, False, (f"not acted on: {problem}",))
        role_id, setter, source = await self.cog.violations.mute_role(guild.id)
        outcome = Outcome(step.kind, duration, role_id if step.kind == "mute" else None,
                          notes=[f"escalated: {step.why}"], role_setter=setter, role_source=source)
        reason = f"Escalation: {step.why}" + (f", after case #{after_case}" if after_case else "")
        context: dict[str, Any] = {"kind": outcome.kind, "duration": outcome.duration, "role_id": outcome.role_id,
                                   "reason": reason, "rule_type": "escalation", "rule_name": ESCALATION}
        log_id = await repo.insert_log(self.cog.pool, guild.id, member.id, None, None, None, outcome.label, None,
                                       context, 0.0, self.bot.clock.now())
        if not await self.cog.violations.mute_refused(guild, outcome):
            appeal = AppealButton(guild.id, log_id) if outcome.kind in actions.APPEALABLE else None
            note = await actions.send_dm(member, actions.member_embed(guild, outcome, ESCALATION, reason), appeal)
            if note:
                outcome.notes.append(note)
            with cases.acting_on(self.bot, guild.id, member.id, outcome.kind):
                await actions.apply(outcome, member, reason)
            if not outcome.done:
                cases.not_acting(self.bot, guild.id, member.id, outcome.kind)
        number = await cases.record_action(self.bot, guild, outcome, target_id=member.id, rule_name=ESCALATION,
                                           reason=reason, linked_case=after_case)
        if number is not None:
            context["case"] = number
        context["notes"] = outcome.notes
        await repo.update_log_outcome(self.cog.pool, guild.id, log_id,
                                      outcome.label if outcome.done else f"{outcome.label} (failed)", context)
        embed = discord.Embed(title=f"🛡️ Automod: {outcome.label} (escalation)", colour=discord.Colour.red(),
                              timestamp=self.bot.clock.now())
        embed.add_field(name="Member", value=f"{member.mention} ({member.id})")
        embed.add_field(name="Points", value=f"{total:.1f}")
        if number is not None:
            embed.add_field(name="Case", value=f"#{number}")
        embed.add_field(name="Reason", value=reason[:1024], inline=False)
        embed.add_field(name="Notes", value="\n".join(f"• {n}" for n in outcome.notes)[:1024], inline=False)
        await post_to_log(self.bot, guild, feature="automod", what="an automod log entry", embed=embed)
        return Escalated(outcome.kind, outcome.duration, step.why, outcome.done, tuple(outcome.notes[1:]), number)

    async def remove(self, guild_id: int, case_number: int) -> bool:
        """Take back the points of moderation case `case_number` (a removed warning); False when automod holds
        none for it (or they were already taken back)."""
        row = await repo.log_of_case(self.cog.pool, guild_id, case_number)
        if row is None or row["false_positive"] or row["appeal_status"] == "approved":
            return False
        taken = await repo.take_points(self.cog.pool, guild_id, row["id"])
        if taken is None:
            return False
        await self.cog.violations.remove_points(taken, taken=True)
        return True

"""The raid alert in the log channel (`raid.log_channel`, else `system.log_channel`): what was detected, what the
brake did and could not do, the members caught (the first ones in the embed, all of them in an attached file when
there are more), the incident's status, and the undo button. Posted once when the brake has acted, edited when the
incident ends or is undone. Posts ping nobody; a post or edit that fails is logged and never stops the brake.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime

import discord

from cogs.raid import repo
from cogs.raid.actions import level_name
from cogs.raid.desk import FEATURE, JOINS, RaidDesk
from cogs.raid.repo import Incident, RaidMember
from cogs.raid.views import UndoButton
from core.channel_access import ChannelBlocked
from core.guild_kit import find_log_channel
from utils.durations import format_duration

log = logging.getLogger(__name__)

SHOWN = 10  # members listed in the embed; the rest are in the attached file
ENDED = {"quiet": "the quiet period passed", "ended": "ended by", "undone": "undone by"}


def _age(member: RaidMember) -> str:
    """The account's age when it was caught, in its largest unit: 3d, 5h, 12m, 40s."""
    return format_duration(max(int((member.added_at - member.account_created_at).total_seconds()), 0)).split(" ")[0]


def member_line(member: RaidMember) -> str:
    """`<@id> · account 2d old · default avatar · timed out` (mentions in embeds never ping)."""
    parts = [f"<@{member.user_id}>", f"account {_age(member)} old"]
    if member.default_avatar:
        parts.append("default avatar")
    if member.mentions:
        parts.append(f"{member.mentions} mention{'s' if member.mentions != 1 else ''}")
    if member.lift_outcome == "lifted":
        parts.append("timeout lifted")
    elif member.timed_out_until is not None:
        parts.append("timed out")
    elif member.timeout_problem:
        parts.append(f"not timed out: {member.timeout_problem}")
    return " · ".join(parts)


def _brake_lines(incident: Incident, members: list[RaidMember]) -> list[str]:
    lines = []
    if incident.raised_level is not None:
        line = f"Verification level: {level_name(incident.previous_level)} → **{level_name(incident.raised_level)}**"
        lines.append(line + {"restored": " (put back)", "changed": " (changed by someone since: left as is)"}.get(
            incident.level_outcome or "", ""))
    if incident.invites_paused:
        lines.append("Invites: **paused**" + {"restored": " (resumed)", "changed": " (resumed by someone since)"}.get(
            incident.invites_outcome or "", ""))
    timed_out = [m for m in members if m.timed_out_until is not None]
    if timed_out:
        lifted = sum(1 for m in timed_out if m.lift_outcome == "lifted")
        lines.append(f"Timeouts: **{len(timed_out)}** member{'s' if len(timed_out) != 1 else ''}"
                     + (f" ({lifted} lifted)" if lifted else ""))
    return lines or ["Alert only: no action was taken (see `/config list scope:raid`)."]


def _status(incident: Incident, quiet: int) -> str:
    if incident.undone_at is not None:
        return f"Undone by <@{incident.undone_by}> {discord.utils.format_dt(incident.undone_at, 'R')}"
    if incident.ended_at is None:
        what = "join" if incident.kind == JOINS else "mentioner"
        return f"On: ends after {format_duration(quiet)} without a new {what}"
    why = ENDED.get(incident.end_reason or "", incident.end_reason or "ended")
    who = f" <@{incident.ended_by}>" if incident.ended_by and incident.end_reason != "quiet" else ""
    return f"Ended {discord.utils.format_dt(incident.ended_at, 'R')}: {why}{who}"


def alert_embed(incident: Incident, members: list[RaidMember], quiet: int, *, page: int | None = None,
                per_page: int = SHOWN) -> discord.Embed:
    """The alert's embed for the incident as it is now; with `page`, that page of its members (for `/raid status`)
    instead of the first ones."""
    what = "Raid" if incident.kind == JOINS else "Mention wave"
    colour = (discord.Colour.green() if incident.undone_at else discord.Colour.red() if incident.on
              else discord.Colour.light_grey())
    embed = discord.Embed(title=f"🚨 {what} detected · incident #{incident.id}", colour=colour,
                          description=incident.summary[:4096] or None, timestamp=incident.started_at)
    embed.add_field(name="Brake", value="\n".join(_brake_lines(incident, members))[:1024], inline=False)
    if incident.problems:
        embed.add_field(name="⚠️ Not done", value="\n".join(f"• {p}" for p in incident.problems)[:1024],
                        inline=False)
    first = (page or 0) * per_page
    shown = "\n".join(member_line(m) for m in members[first:first + per_page])
    if page is None and len(members) > per_page:
        shown += f"\n… and {len(members) - per_page} more (the attached list, or `/raid status`)"
    title = "Joiners" if incident.kind == JOINS else "Mentioners"
    embed.add_field(name=f"{title} ({len(members)})", value=shown[:1024] or "none", inline=False)
    embed.add_field(name="Status", value=_status(incident, quiet), inline=False)
    embed.set_footer(text="Undo puts back the level and invites and lifts the timeouts (what you may do yourself).")
    return embed


def members_file(incident: Incident, members: list[RaidMember]) -> discord.File:
    """Every member of the incident, one per line (for the alert when there are more than fit the embed)."""
    lines = ["user_id\tjoined_or_added\taccount_created\tdefault_avatar\tweight\tmentions\ttimed_out_until"]
    lines += [f"{m.user_id}\t{_iso(m.added_at)}\t{_iso(m.account_created_at)}\t{m.default_avatar}\t{m.weight:g}\t"
              f"{m.mentions}\t{_iso(m.timed_out_until)}" for m in members]
    return discord.File(io.BytesIO("\n".join(lines).encode()), filename=f"raid-{incident.id}-members.tsv")


def _iso(when: datetime | None) -> str:
    return when.isoformat(timespec="seconds") if when else "-"


def _view(incident: Incident, members: list[RaidMember]) -> discord.ui.View:
    left = (incident.level_pending or incident.invites_pending
            or any(m.timed_out_until is not None and m.lift_outcome is None for m in members))
    done = incident.undone_at is not None or not left
    view = discord.ui.View(timeout=None)
    view.add_item(UndoButton(incident.id, label="Undone" if incident.undone_at else None, disabled=done))
    return view


async def post(desk: RaidDesk, guild: discord.Guild, incident_id: int, quiet: int) -> str | None:
    """Post the incident's alert and remember it; None, or why it could not be posted."""
    incident = await repo.get(desk.pool, guild.id, incident_id)
    if incident is None:
        return None
    members = await repo.members(desk.pool, guild.id, incident_id)
    channel_id, channel = await find_log_channel(desk.bot, guild, FEATURE)
    if channel is None:
        problem = ("no log channel is set (`/config set scope:raid key:log_channel`)" if channel_id is None
                   else f"the log channel (id {channel_id}) no longer exists")
        log.warning("Guild %s: raid incident %s not alerted: %s", guild.id, incident_id, problem)
        return problem
    files = [members_file(incident, members)] if len(members) > SHOWN else []
    try:
        message = await desk.bot.channel_access.send(
            channel, what="a raid alert", embed=alert_embed(incident, members, quiet), view=_view(incident, members),
            files=files, allowed_mentions=discord.AllowedMentions.none())
    except (ChannelBlocked, discord.HTTPException) as exc:
        log.warning("Guild %s: raid incident %s not alerted: %s", guild.id, incident_id, exc)
        return f"I couldn't post in {channel.mention}: {getattr(exc, 'problem', exc)}"
    await repo.set_alert(desk.pool, guild.id, incident_id, channel.id, message.id)
    return None


async def refresh(desk: RaidDesk, guild: discord.Guild, incident_id: int, quiet: int) -> None:
    """Edit the incident's alert to show it as it is now (no-op without an alert)."""
    incident = await repo.get(desk.pool, guild.id, incident_id)
    if incident is None or incident.alert_channel_id is None or incident.alert_message_id is None:
        return
    channel = guild.get_channel(incident.alert_channel_id)
    if not isinstance(channel, discord.TextChannel):
        return
    members = await repo.members(desk.pool, guild.id, incident_id)
    try:
        await channel.get_partial_message(incident.alert_message_id).edit(
            embed=alert_embed(incident, members, quiet), view=_view(incident, members))
    except discord.HTTPException as exc:
        log.info("Guild %s: the alert of raid incident %s was not updated: %s", guild.id, incident_id, exc)

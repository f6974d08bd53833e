"""`/challenge`: message challenges in one channel. Messages there are counted per participant (through the
counting buffer); the end is a timers job. Leaderboard mode announces the top N and the first wins; random mode
draws a winner weighted by messages. The winner gets the `challenge_winner` badge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import discord
from discord import app_commands

from cogs.engagement import repo
from cogs.engagement.contract import MixinMeta
from cogs.engagement.rules import weighted_pick
from cogs.engagement.settings import ENGAGEMENT_CHALLENGE_TOP
from core import duration_input
from core.channel_access import ChannelBlocked
from core.guild_kit import post_to_log
from core.timers import Job
from utils.errors import BadInput, permission_name

CHALLENGE_JOB = "engagement_challenge"
CHALLENGE_END_TIMEOUT = timedelta(minutes=2)
MAX_DURATION = 90 * 86400
NEEDED = ("view_channel", "send_messages", "embed_links")
MODES = {"leaderboard": "🏁 Leaderboard: most messages wins", "random": "🎲 Random draw: every message is a ticket"}


def parse_duration(text: str) -> int:
    """'2h', '3d', '1d 12h', '1w', '90m' → seconds (1 minute to 90 days); BadInput otherwise."""
    return duration_input.parse_duration(text, maximum=MAX_DURATION, what="challenge",
                                         example="/challenge start … duration:3d")


def ts(moment: datetime, style: str = "f") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


class ChallengesMixin(MixinMeta):
    """The /challenge commands and the end job; mixed into the engagement cog."""

    challenge = app_commands.Group(name="challenge", description="Message challenges (admins)", guild_only=True,
                                   default_permissions=discord.Permissions(manage_guild=True))

    @challenge.command(name="start", description="Start a message challenge in a channel")
    @app_commands.describe(channel="Where messages are counted", mode="How the winner is chosen",
                           title="What the challenge is called", duration="How long, e.g. 2h, 3d, 1w")
    @app_commands.choices(mode=[app_commands.Choice(name=k, value=k) for k in MODES])
    @app_commands.checks.has_permissions(manage_guild=True)
    async def challenge_start(self, interaction: discord.Interaction, channel: discord.TextChannel,
                              mode: str, title: str, duration: str) -> None:
        guild_id = interaction.guild_id
        title = title.strip()
        if not 1 <= len(title) <= 100:
            raise BadInput("The title must be 1 to 100 characters.", example="title:Photo week")
        seconds = parse_duration(duration)
        allowed = channel.permissions_for(channel.guild.me)
        missing = [permission_name(p) for p in NEEDED if not getattr(allowed, p)]
        if missing:
            raise BadInput(f"I can't post in {channel.mention}: I'm missing **{', '.join(missing)}** there.")
        now = self.bot.clock.now()
        ends_at = now + timedelta(seconds=seconds)
        async with self.pool.acquire() as conn, conn.transaction():
            challenge_id = await repo.create_challenge(conn, guild_id, channel.id, mode, title, now, ends_at)
            if challenge_id is None:
                raise BadInput(f"{channel.mention} already has a running challenge: end it first.",
                               example=f"/challenge end channel:#{channel.name}")
            await self.bot.timers.schedule(guild_id, CHALLENGE_JOB, str(challenge_id), ends_at,
                                           {"challenge_id": challenge_id}, conn=conn)
            embed = discord.Embed(title=f"🏆 Challenge: {title}", colour=discord.Colour.gold(),
                                  description=f"{MODES[mode]}.\nEvery message in this channel counts until "
                                              f"{ts(ends_at)} ({ts(ends_at, 'R')}).")
            # Announced before the commit: when Discord refuses the post, no silent challenge is left running.
            await channel.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
        self.bot.timers.rearm()
        self.challenges[(guild_id, channel.id)] = challenge_id
        await interaction.response.send_message(
            f"✅ Challenge #{challenge_id} **{discord.utils.escape_markdown(title)}** started in {channel.mention}; "
            f"it ends {ts(ends_at)}.", ephemeral=True)

    @challenge.command(name="status", description="Running challenges and their leaders")
    # /challenge is hidden from members (default_permissions), but Discord does not stop a crafted interaction.
    @app_commands.checks.has_permissions(manage_guild=True)
    async def challenge_status(self, interaction: discord.Interaction) -> None:
        guild = interaction.guild
        await self.flush(nicknames=False)  # include what is still buffered
        running = await repo.guild_challenges(self.pool, guild.id, active=True)
        embed = discord.Embed(title="Challenges", colour=discord.Colour.gold())
        if not running:
            embed.description = "No challenge is running. Start one with `/challenge start`."
        for row in running:
            leaders = await repo.participants(self.pool, guild.id, row["id"], 5)
            lines = [f"{i}. {self.name_of(guild, p['user_id'])} — {p['message_count']}"
                     for i, p in enumerate(leaders, start=1)]
            total = sum(p["message_count"] for p in await repo.participants(self.pool, guild.id, row["id"]))
            embed.add_field(
                name=f"#{row['id']} {row['title']} ({row['mode']})"[:256], inline=False,
                value=(f"<#{row['channel_id']}> · ends {ts(row['ends_at'], 'R')} · {total} message(s)\n"
                       + ("\n".join(lines) or "No messages yet."))[:1024])
        await interaction.response.send_message(embed=embed, ephemeral=True,
                                                allowed_mentions=discord.AllowedMentions.none())

    @challenge.command(name="end", description="End a running challenge now and announce the result")
    @app_commands.describe(channel="The challenge's channel (not needed when only one is running)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def challenge_end(self, interaction: discord.Interaction,
                            channel: discord.TextChannel | None = None) -> None:
        guild_id = interaction.guild_id
        running = [(ch, cid) for (g, ch), cid in self.challenges.items() if g == guild_id]
        if channel is not None:
            running = [(ch, cid) for ch, cid in running if ch == channel.id]
        if not running:
            raise BadInput("No challenge is running" + (f" in {channel.mention}." if channel else "."),
                           example="/challenge status")
        if len(running) > 1:
            raise BadInput("Several challenges are running: name the channel.", example="/challenge end channel:#…")
        challenge_id = running[0][1]
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.timers.cancel(CHALLENGE_JOB, str(challenge_id))
        summary = await self.end_challenge(guild_id, challenge_id)
        await interaction.followup.send(summary or "That challenge had already ended.", ephemeral=True)

    # --- the end ---------------------------------------------------------------------------------------------

    async def run_challenge_end(self, job: Job) -> datetime | None:
        await self.end_challenge(job.guild_id, int(job.payload.get("challenge_id", job.key)))
        return None

    async def end_challenge(self, guild_id: int, challenge_id: int) -> str | None:
        """Close the challenge, pick the winner, give the badge and announce; None if it had already ended."""
        await self.flush(nicknames=False)  # the last messages count
        now = self.bot.clock.now()
        async with self.pool.acquire() as conn, conn.transaction():
            row = await repo.challenge(conn, guild_id, challenge_id, lock=True)
            if row is None or not row["active"]:
                return None
            entries = [(p["user_id"], p["message_count"]) for p in await repo.participants(conn, guild_id,
                                                                                          challenge_id)]
            if row["mode"] == "random":
                winner = weighted_pick(entries, self.rng)
            else:
                winner = entries[0][0] if entries else None
            total = sum(count for _, count in entries)
            await repo.finish_challenge(conn, guild_id, challenge_id, now, winner, total)
            if winner is not None:
                await repo.award_badges(conn, guild_id, [winner], "challenge_winner", now)
        self.challenges.pop((guild_id, row["channel_id"]), None)
        if winner is not None:  # committed: other features (points) hear of the winner once
            await self.api.challenge_won(guild_id, challenge_id, winner)
        return await self._announce_challenge(guild_id, row, entries, winner, total)

    async def _announce_challenge(self, guild_id: int, row: Any, entries: list[tuple[int, int]],
                                  winner: int | None, total: int) -> str:
        guild = self.bot.get_guild(guild_id)
        title = discord.utils.escape_markdown(row["title"] or "Challenge")
        if winner is None:
            text = f"The challenge **{title}** ended without any messages: no winner."
        elif row["mode"] == "random":
            count = dict(entries)[winner]
            text = (f"🎲 The challenge **{title}** is over! {len(entries)} participant(s), {total} message(s).\n"
                    f"The draw picked <@{winner}> ({count} message(s), so {count} ticket(s)) — congratulations! 🏆")
        else:
            top = await self.bot.guild_settings.setting(guild_id, ENGAGEMENT_CHALLENGE_TOP)
            medals = ["🥇", "🥈", "🥉"]
            lines = [f"{medals[i] if i < 3 else f'{i + 1}.'} <@{user_id}> — {count} message(s)"
                     for i, (user_id, count) in enumerate(entries[:top])]
            text = (f"🏁 The challenge **{title}** is over! {len(entries)} participant(s), {total} message(s).\n"
                    + "\n".join(lines) + f"\nCongratulations <@{winner}>! 🏆")
        channel = guild.get_channel(row["channel_id"]) if guild else None
        if isinstance(channel, discord.TextChannel):
            try:
                # Mention the winner only: a ping is the point of winning.
                await self.bot.channel_access.send(
                    channel, what=f"the result of challenge #{row['id']}", content=text,
                    allowed_mentions=discord.AllowedMentions(users=[discord.Object(winner)] if winner else False))
            except ChannelBlocked as exc:  # the admins were told once; keep the result in the log
                await post_to_log(self.bot, guild, content=f"⚠️ The result of challenge #{row['id']} could not be "
                                  f"posted in {channel.mention} ({exc.problem}):\n{text}"[:2000])
            except discord.HTTPException as exc:
                await post_to_log(self.bot, guild, content=f"⚠️ The result of challenge #{row['id']} could not be "
                                  f"posted in {channel.mention} ({exc.status}):\n{text}"[:2000])
        elif guild is not None:
            await post_to_log(self.bot, guild, content=f"The channel of challenge #{row['id']} is gone.\n{text}"[:2000])
        return text

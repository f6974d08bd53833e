"""A verification desk in the default guild: a Verified role, a Reviewers role with a reviewer, a Verification
category and a verify-logs channel, premium seeded, AI against the LLM stand-in, set up with
/config verification setup and a panel posted in #general; helpers to start a verification and upload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord
import pytest_asyncio

from cogs.premium.api import premium_of
from tests.hearth_harness import Hearth
from tests.llm_standin import LLMStandIn
from tests.standin import permissions as perms
from tests.standin.models import Channel, Member, Message, Role

# A tiny valid PNG (1×1 pixel): the bytes that must arrive at the model, base64-encoded.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@dataclass
class Desk:
    hearth: Hearth
    llm: LLMStandIn
    verified_role: Role
    reviewer_role: Role
    reviewer: Member
    category: Channel
    logs: Channel
    panel: Message

    @property
    def member(self) -> Member:
        return self.hearth.guild.member

    @property
    def admin(self) -> Member:
        return self.hearth.guild.admin


async def seed_premium(hearth: Hearth, guild_id: int, user_id: int) -> None:
    await hearth.db.execute("INSERT INTO premium_subs (user_id, guild_id, tier, status) "
                            "VALUES ($1, $2, 'yearly', 'active')", user_id, guild_id)
    premium_of(hearth.bot).invalidate()


async def make_desk(hearth: Hearth, llm: LLMStandIn, *, premium: bool = True) -> Desk:
    await hearth.connect_llm(llm)
    g = hearth.guild
    guild = g.guild
    verified_role = guild.add_role("Verified", [])
    reviewer_role = guild.add_role("Reviewers", [])
    reviewer = guild.add_member("rita", roles=[reviewer_role])
    category = guild.add_category("Verification")
    logs = guild.add_text_channel("verify-logs", overwrites={"everyone": {"deny": ["view_channel"]},
                                                             reviewer_role: {"allow": ["view_channel"]},
                                                             g.moderator_role: {"allow": ["view_channel"]},
                                                             guild.bot_role: {"allow": ["view_channel"]}})
    await hearth.discord.settle()
    if premium:
        await seed_premium(hearth, guild.id, g.owner.id)
    # The owner sets it up: the verified role is given by the bot, so role safety wants Manage Roles and rank.
    result = await hearth.discord.slash(
        "config verification setup", user=g.owner, guild=guild,
        options={"verified_role": verified_role, "reviewer_role": reviewer_role, "category": category,
                 "log_channel": logs})
    assert result.ephemeral and result.text.startswith(f"✅ Verified members get <@&{verified_role.id}>."), result.text
    panel = None
    if premium:
        posted = await hearth.discord.slash("config verification panel", user=g.admin, guild=guild,
                                            options={"channel": g.general})
        assert posted.text == f"✅ Panel posted in <#{g.general.id}>.", posted.text
        panel = next(m for m in reversed(hearth.discord.messages_in(g.general)) if m.buttons())
    return Desk(hearth, llm, verified_role, reviewer_role, reviewer, category, logs, panel)  # type: ignore[arg-type]


@pytest_asyncio.fixture(loop_scope="session")
async def desk(hearth: Hearth, llm: LLMStandIn) -> Desk:
    return await make_desk(hearth, llm)


async def start(desk: Desk, member: Member | None = None) -> tuple[dict[str, Any], Channel]:
    """Press Verify; returns the new row and its channel."""
    hearth = desk.hearth
    who = member or desk.member
    result = await hearth.discord.click(desk.panel, "Verify", user=who)
    assert result.ephemeral
    assert "Your verification channel is open: <#" in result.text, result.text
    row = await hearth.db.fetchrow("SELECT * FROM verification_tickets WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
                                   who.id)
    return dict(row), hearth.discord.world.channels[row["channel_id"]]


async def upload(desk: Desk, channel: Channel, member: Member | None = None, data: bytes = PNG,
                 name: str = "receipt.png", content_type: str = "image/png") -> Message:
    return await desk.hearth.discord.say(channel, member or desk.member, "here is my receipt",
                                         attachments=[(name, data, content_type)])


async def row(desk: Desk, verification_id: int) -> dict[str, Any] | None:
    found = await desk.hearth.db.fetchrow("SELECT * FROM verification_tickets WHERE id = $1", verification_id)
    return dict(found) if found else None


def has_role(desk: Desk, member: Member, role: Role) -> bool:
    state = desk.hearth.guild.guild.member(member.id)
    return role.id in state.roles


def overwrite(channel: Channel, target_id: int) -> tuple[discord.Permissions, discord.Permissions] | None:
    found = channel.overwrites.get(target_id)
    if found is None:
        return None
    return discord.Permissions(found.allow), discord.Permissions(found.deny)


def can_view(desk: Desk, member: Member, channel: Channel) -> bool:
    return bool(perms.channel_permissions(desk.hearth.guild.guild, member, channel) & perms.VIEW_CHANNEL)


def can_send(desk: Desk, member: Member, channel: Channel) -> bool:
    return bool(perms.channel_permissions(desk.hearth.guild.guild, member, channel) & perms.SEND_MESSAGES)


def review_message(desk: Desk, channel: Channel) -> Message:
    """The newest message with Approve / Reject in `channel`."""
    return next(m for m in reversed(desk.hearth.discord.messages_in(channel))
                if any(b.get("label") == "Approve" for b in m.buttons()))

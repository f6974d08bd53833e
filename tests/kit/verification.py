"""The verification desk: a Verified role, a Reviewers role with a reviewer, a Verification category and a
verify-logs channel, premium seeded, AI against the LLM stand-in, set up with /config verification setup and a
panel posted in #general; starting a verification, uploading a receipt and reading the row back."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from cogs.verification import repo
from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.kit.premium import seed_premium
from tests.llm_standin import LLMStandIn
from tests.standin.models import Channel, Member, Message, Role

# A tiny valid PNG (1×1 pixel): the bytes that must arrive at the model, base64-encoded.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@dataclass
class VerificationDesk(FeatureDesk):
    """The default guild with verification set up (`panel` is None without premium)."""

    llm: LLMStandIn
    verified_role: Role
    reviewer_role: Role
    reviewer: Member
    category: Channel
    logs: Channel
    panel: Message


async def verification_desk(hearth: Hearth, llm: LLMStandIn, *, premium: bool = True) -> VerificationDesk:
    """Set verification up in the default guild as its owner (with premium and a panel, unless told not to)."""
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
        await seed_premium(hearth, g.owner.id, guild.id, "yearly")
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
    return VerificationDesk(hearth, llm, verified_role, reviewer_role, reviewer, category, logs,
                            panel)  # type: ignore[arg-type]


async def start(desk: VerificationDesk, member: Member | None = None) -> tuple[dict[str, Any], Channel]:
    """Press Verify; returns the new row and its channel."""
    hearth = desk.hearth
    who = member or desk.member
    result = await hearth.discord.click(desk.panel, "Verify", user=who)
    assert result.ephemeral
    assert "Your verification channel is open: <#" in result.text, result.text
    channel_id = int(re.search(r"channel is open: <#(\d+)>", result.text).group(1))  # type: ignore[union-attr]
    found = await repo.open_by_channel(hearth.db, hearth.guild.guild.id, channel_id)
    assert found is not None and found.user_id == who.id, found
    return asdict(found), hearth.discord.world.channels[found.channel_id]


async def upload(desk: VerificationDesk, channel: Channel, member: Member | None = None, data: bytes = PNG,
                 name: str = "receipt.png", content_type: str = "image/png") -> Message:
    """The member posts a receipt (a PNG by default) in the verification channel."""
    return await desk.hearth.discord.say(channel, member or desk.member, "here is my receipt",
                                         attachments=[(name, data, content_type)])


async def row(desk: VerificationDesk, verification_id: int) -> dict[str, Any] | None:
    """The verification's row as it is now (read through the verification repo), or None once it is gone."""
    found = await repo.get(desk.db, desk.server.id, verification_id)
    return asdict(found) if found else None


def review_message(desk: VerificationDesk, channel: Channel) -> Message:
    """The newest message with Approve / Reject in `channel`."""
    return next(m for m in reversed(desk.hearth.discord.messages_in(channel))
                if any(b.get("label") == "Approve" for b in m.buttons()))

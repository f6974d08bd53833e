"""The verification category is full (Discord's 50 channels per category): a new verification channel goes to an
overflow category — a private one the bot creates and remembers, like ticket channels — instead of failing."""

from __future__ import annotations

import discord

from tests.kit.channels import can_view, overwrite
from tests.kit.verification import VerificationDesk, start


async def test_full_category_overflows_and_the_verification_still_starts(desk: VerificationDesk) -> None:
    hearth, g = desk.hearth, desk.hearth.guild
    for i in range(50):
        g.guild.add_text_channel(f"old-verify-{i}", category=desk.category)
    await hearth.discord.settle()

    verification, channel = await start(desk)
    assert channel.parent_id != desk.category.id
    overflow = hearth.discord.world.channels[channel.parent_id]
    assert overflow.name == "Verification (overflow)"
    assert await hearth.bot.guild_settings.get(g.guild.id, "verification", "overflow_category") == overflow.id
    # The overflow category is private (hidden from @everyone, open to the reviewers); the channel is the usual one.
    assert overwrite(overflow, g.guild.id) == (discord.Permissions.none(), discord.Permissions(view_channel=True))
    assert overwrite(overflow, desk.reviewer_role.id) is not None
    assert channel.name.startswith(f"verify-{verification['id']}-") and verification["channel_id"] == channel.id
    assert can_view(desk.server, g.member, channel) and can_view(desk.server, desk.reviewer, channel)
    assert not can_view(desk.server, g.moderator, channel)

    # The next verification goes to the same overflow category.
    _, second = await start(desk, g.admin)
    assert second.parent_id == overflow.id
    assert sum(1 for c in hearth.discord.world.channels.values() if c.name == "Verification (overflow)") == 1


async def test_discord_refusing_a_full_category_sends_the_verification_to_overflow(desk: VerificationDesk) -> None:
    """The bot's cache may not know the category is full: Discord's own refusal is handled the same way."""
    hearth, g = desk.hearth, desk.hearth.guild
    overflow = g.guild.add_category("Verification 2")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "verification", "overflow_category", overflow.id, changed_by=1)
    hearth.discord.fail("POST", "/guilds/{guild_id}/channels", status=400, json={
        "code": 50035, "message": "Invalid Form Body",
        "errors": {"parent_id": {"_errors": [{"code": "CHANNEL_PARENT_MAX_CHANNELS",
                                               "message": "Maximum number of channels in category reached (50)"}]}}})
    verification, channel = await start(desk)
    assert channel.parent_id == overflow.id and verification["channel_id"] == channel.id
    posts = hearth.discord.requests("POST", "/guilds/{guild_id}/channels")
    assert [int(p.json["parent_id"]) for p in posts[-2:]] == [desk.category.id, overflow.id]

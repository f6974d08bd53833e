"""Custom emojis (GUILD_CREATE, GUILD_EMOJIS_UPDATE) and Discord's checks of a reaction's emoji: Unknown Emoji
(10014) for a custom emoji of no guild the bot is in or for text that is no emoji, at most 20 different reactions
per message (30010)."""

from __future__ import annotations

import discord
import pytest

from tests.standin import StandIn
from tests.standin.emojis import is_unicode_emoji
from tests.standin.plugin import DefaultGuild

from .selftest_bot import SelfTestBot

pytestmark = pytest.mark.asyncio(loop_scope="session")
REACTION = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"


async def test_unicode_emojis_are_told_from_text() -> None:
    for emoji in ("👍", "⭐", "❤️", "🇫🇷", "1️⃣", "👩‍💻", "👍🏽", "©️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"):
        assert is_unicode_emoji(emoji), emoji
    for text in ("", "a", "abc", "1", ":smile:", "👍 yes", "!", "→", "<:x:1>"):
        assert not is_unicode_emoji(text), text


async def test_custom_emojis_reach_the_bot(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    guild = default_guild.guild
    party = guild.add_emoji("party")
    await standin.settle()
    found = bot.get_emoji(party.id)
    assert found is not None and found.name == "party" and found.guild_id == guild.id
    assert str(party) == f"<:party:{party.id}>"
    [update] = standin.events("GUILD_EMOJIS_UPDATE")
    assert update["guild_id"] == str(guild.id) and update["emojis"][0]["name"] == "party"
    guild.delete_emoji(party)
    await standin.settle()
    assert bot.get_emoji(party.id) is None
    # A bot that connects later gets the emojis in GUILD_CREATE.
    wave = guild.add_emoji("wave", animated=True)
    later = SelfTestBot()
    await standin.connect(later)
    try:
        emoji = later.get_emoji(wave.id)
        assert emoji is not None and emoji.animated
    finally:
        await standin.disconnect(later)


async def test_unknown_emojis_are_refused(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    channel = bot.get_channel(default_guild.general.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("react here")
    with pytest.raises(discord.HTTPException) as custom:
        await message.add_reaction("<:ghost:4242>")
    assert custom.value.status == 400 and custom.value.code == 10014
    with pytest.raises(discord.HTTPException) as text:
        await message.add_reaction("notanemoji")
    assert text.value.status == 400 and text.value.code == 10014
    party = default_guild.guild.add_emoji("party")
    await standin.settle()
    await message.add_reaction(f"<:party:{party.id}>")
    await message.add_reaction("👍")
    stored = standin.world.messages[message.id].reactions
    assert stored == {f"party:{party.id}": [standin.bot_user.id], "👍": [standin.bot_user.id]}
    assert [r.status for r in standin.requests("PUT", REACTION)] == [400, 400, 204, 204]


async def test_at_most_twenty_reactions(standin: StandIn, default_guild: DefaultGuild, bot: SelfTestBot) -> None:
    channel = bot.get_channel(default_guild.general.id)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("many")
    emojis = [chr(code) for code in range(0x1F600, 0x1F615)]  # 21 faces
    for emoji in emojis[:20]:
        await message.add_reaction(emoji)
    with pytest.raises(discord.HTTPException) as full:
        await message.add_reaction(emojis[20])
    assert full.value.code == 30010
    await message.add_reaction(emojis[0])  # one already there is no new reaction: fine
    assert len(standin.world.messages[message.id].reactions) == 20

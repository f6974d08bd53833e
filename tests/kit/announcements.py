"""The announcements desk: #news, #mod-log as the log channel, @everyone without Mention Everyone (Discord's default
gives it), a Herald (Manage Messages and Mention Everyone) and a Crew role that is not mentionable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import discord

from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.interactions import InteractionResult
from tests.standin.models import Channel, Member, Message, Role

MENTION_EVERYONE = discord.Permissions(mention_everyone=True).value


@dataclass
class AnnounceDesk(FeatureDesk):
    """The default guild set up for announcements."""

    news: Channel
    log: Channel
    herald: Member
    herald_role: Role
    crew: Role  # not mentionable

    @property
    def moderator(self) -> Member:
        """mo: Manage Messages, no Mention Everyone."""
        return self.guild.moderator

    async def announce(self, by: Member | None = None, **options: Any) -> InteractionResult:
        """`/announce post` in #general as `by` (default: the herald), to #news unless `channel` is given."""
        options.setdefault("channel", self.news)
        return await self.discord.slash("announce post", user=by or self.herald, guild=self.server,
                                        channel=self.guild.general, options=options)

    def posts(self) -> list[Message]:
        """What the bot posted in #news."""
        bot_id = self.discord.world.bot_user.id
        return [m for m in self.discord.messages_in(self.news) if m.author.id == bot_id]

    def log_texts(self) -> list[str]:
        """What the bot posted in #mod-log."""
        return [m.content for m in self.discord.messages_in(self.log)]

    def link(self, message: Message) -> str:
        """The message's link (Copy Message Link)."""
        return f"https://discord.com/channels/{self.server.id}/{message.channel_id}/{message.id}"


async def announce_desk(hearth: Hearth) -> AnnounceDesk:
    """Build the desk in the default guild."""
    server = hearth.guild.guild
    everyone = server.roles[server.id]
    server.set_role_permissions(everyone, everyone.permissions & ~MENTION_EVERYONE)
    news = server.add_text_channel("news")
    log = server.add_text_channel("mod-log")
    herald_role = server.add_role("Herald", ["manage_messages", "mention_everyone"])
    crew = server.add_role("Crew")
    herald = server.add_member("hera", roles=[herald_role])
    await hearth.discord.settle()
    desk = AnnounceDesk(hearth, news, log, herald, herald_role, crew)
    await desk.setting("system", "log_channel", log.id)
    return desk

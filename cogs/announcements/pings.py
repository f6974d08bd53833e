"""Who an announcement may ping. The text itself pings nobody; the two explicit pings follow the sender's own
rights in the target channel (the trust boundary): a role only when it is mentionable or the sender has Mention
Everyone there, @everyone only with the sender's Mention Everyone. Checked when the command runs (a refusal) and
again when a scheduled announcement is posted (then the ping is left out and the log channel told)."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from utils.errors import UserFacingError
from utils.mentions import Channel, may_mention_everyone


def may_ping_role(sender: discord.Member | None, channel: Channel, role: discord.Role) -> bool:
    """Whether `sender` could ping `role` in `channel` themselves."""
    return sender is not None and (role.mentionable or may_mention_everyone(sender, channel))


def refuse_pings(sender: discord.Member, channel: Channel, role: discord.Role | None, everyone: bool) -> None:
    """Raise a clear `UserFacingError` when the sender asks for a ping they could not make in `channel`."""
    if role is not None and role.is_default():
        raise UserFacingError("To ping everyone, use `ping_everyone:True` rather than the @everyone role.")
    if role is not None and not may_ping_role(sender, channel, role):
        raise UserFacingError(
            f"You can't ping {role.mention} in {channel.mention}: the role is not mentionable and you don't have "
            "**Mention Everyone** there. Leave `ping_role` out, or ask an admin to make the role mentionable.")
    if everyone and not may_mention_everyone(sender, channel):
        raise UserFacingError(f"You can't ping @everyone in {channel.mention}: you don't have **Mention Everyone** "
                              "there. Leave `ping_everyone` out.")


@dataclass(frozen=True)
class Pings:
    """What a post pings: the text put before the message, Discord's allowed mentions, and what was withheld."""

    prefix: str
    allowed: discord.AllowedMentions
    withheld: tuple[str, ...] = ()

    def content(self, message: str) -> str:
        """The message with the pings before it."""
        return f"{self.prefix}\n{message}" if self.prefix else message


def pings_for(sender: discord.Member | None, channel: Channel, role: discord.Role | None,
              everyone: bool) -> Pings:
    """The pings a post may make now for `sender` (None: gone or forgotten, so none); what they may no longer
    ping is left out and named in `withheld`. Mentions inside the message never ping."""
    prefix: list[str] = []
    withheld: list[str] = []
    roles: list[discord.Role] = []
    if everyone:
        if may_mention_everyone(sender, channel):
            prefix.append("@everyone")
        else:
            withheld.append("@everyone")
    if role is not None:
        if may_ping_role(sender, channel, role):
            prefix.append(role.mention)
            roles.append(role)
        else:
            withheld.append(f"@{role.name}")
    allowed = discord.AllowedMentions(everyone="@everyone" in prefix, roles=roles, users=False,
                                      replied_user=False)
    return Pings(" ".join(prefix), allowed, tuple(withheld))

"""`/config permissions allow|deny|remove|list|check|cooldown`: who may use which command where
(core/command_rules.py decides; this module only validates what admins type and shows the rules)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from cogs.config.group import PERMISSIONS, ConfigPart
from core.command_lookup import cooldown_seconds, find_command, known_commands, refusable, rule_command
from core.command_rules import EVERY_COMMAND, CommandRules, Rule
from core.modules import Modules
from utils.errors import BadInput, permission_name
from utils.paginator import Paginator

RULES_PAGE = 15


class PermissionCommands(ConfigPart):
    """Mixed into the config cog: it provides `bot` and `_announce`."""


    @property
    def rules(self) -> CommandRules:
        return self.bot.command_rules

    def _command(self, typed: str) -> str:
        """The command name a rule uses for what the admin typed (`*` for every command), or a clear refusal."""
        return rule_command(self.bot.tree, typed, example="/config permissions deny command:tag role:@Muted")

    @staticmethod
    def _target(interaction: discord.Interaction, role: discord.Role | None, channel: Any,
                member: discord.Member | None) -> tuple[str, int, str]:
        """(kind, id, words) of the rule's target: at most one of role, channel, member; none = everyone."""
        given = [(kind, value) for kind, value in (("role", role), ("channel", channel), ("member", member))
                 if value is not None]
        if len(given) > 1:
            raise BadInput("Give one target per rule: a role, a channel or a member (or none for everyone).",
                           example="/config permissions allow command:* channel:#bot-commands")
        if not given:
            assert interaction.guild_id is not None
            return "server", interaction.guild_id, "everyone (server default)"
        kind, value = given[0]
        return kind, value.id, value.mention

    @PERMISSIONS.command(name="allow", description="Let a role, channel or member use a command (or everyone)")
    @app_commands.describe(command="A command, a group (e.g. ticket) or * for every command",
                           role="Members with this role", channel="In this channel or category",
                           member="This member")
    async def allow(self, interaction: discord.Interaction, command: str, role: discord.Role | None = None,
                    channel: discord.TextChannel | discord.CategoryChannel | discord.VoiceChannel | None = None,
                    member: discord.Member | None = None) -> None:
        await self._set(interaction, command, role, channel, member, allow=True)

    @PERMISSIONS.command(name="deny", description="Stop a role, channel or member using a command (or everyone)")
    @app_commands.describe(command="A command, a group (e.g. ticket) or * for every command",
                           role="Members with this role", channel="In this channel or category",
                           member="This member")
    async def deny(self, interaction: discord.Interaction, command: str, role: discord.Role | None = None,
                   channel: discord.TextChannel | discord.CategoryChannel | discord.VoiceChannel | None = None,
                   member: discord.Member | None = None) -> None:
        await self._set(interaction, command, role, channel, member, allow=False)

    async def _set(self, interaction: discord.Interaction, typed: str, role: discord.Role | None, channel: Any,
                   member: discord.Member | None, *, allow: bool) -> None:
        name = self._command(typed)
        refusable(name)
        kind, target_id, _ = self._target(interaction, role, channel, member)
        assert interaction.guild_id is not None
        await self.rules.set_rule(interaction.guild_id, name, kind, target_id, allow, by=interaction.user.id)
        rule = Rule(0, name, kind, target_id, allow)
        await self._announce(interaction, "✅" if allow else "⛔", f"Rule saved: {rule.describe()}.")

    @PERMISSIONS.command(name="remove", description="Remove one permission rule")
    @app_commands.describe(command="The rule's command, group or *", role="The rule's role",
                           channel="The rule's channel", member="The rule's member")
    async def remove(self, interaction: discord.Interaction, command: str, role: discord.Role | None = None,
                     channel: discord.TextChannel | discord.CategoryChannel | discord.VoiceChannel | None = None,
                     member: discord.Member | None = None) -> None:
        name = self._command(command)
        kind, target_id, words = self._target(interaction, role, channel, member)
        assert interaction.guild_id is not None
        if not await self.rules.remove_rule(interaction.guild_id, name, kind, target_id):
            raise BadInput(f"There is no rule for `{name}` and {words}. `/config permissions list` shows them.")
        shown = "every command" if name == EVERY_COMMAND else f"`/{name}`"
        await self._announce(interaction, "🗑️", f"Rule removed: {shown} for {words}.")

    @PERMISSIONS.command(name="list", description="The permission rules and cooldowns of this server")
    @app_commands.describe(command="Only the rules of this command or group")
    async def list_rules(self, interaction: discord.Interaction, command: str | None = None) -> None:
        assert interaction.guild_id is not None
        name = self._command(command) if command else None
        current = await self.rules.of_guild(interaction.guild_id)
        lines = [f"• {rule.describe()}" for rule in sorted(current.rules, key=lambda r: (r.command, r.target_type))
                 if name is None or rule.command == name or rule.command.startswith(f"{name} ")]
        lines += [f"• `/{cmd}`: at most {uses} per {per} s per member" if cmd != EVERY_COMMAND
                  else f"• every command: at most {uses} per {per} s per member"
                  for cmd, (uses, per) in sorted(current.cooldowns.items()) if name is None or cmd == name]
        if not lines:
            await interaction.response.send_message(
                "No rules: every command may be used wherever Discord lets the member use it.", ephemeral=True)
            return

        async def page(index: int) -> tuple[discord.Embed, int]:
            chunk = lines[index * RULES_PAGE:(index + 1) * RULES_PAGE]
            embed = discord.Embed(title="Command permission rules", description="\n".join(chunk),
                                  colour=discord.Colour.blurple())
            return embed, len(lines)

        await Paginator(interaction.user.id, page, RULES_PAGE).send(interaction)

    @PERMISSIONS.command(name="check", description="Whether a member may use a command in a channel, and why")
    @app_commands.describe(member="The member", command="The command (e.g. tag get)",
                           channel="Where (default: this channel)")
    async def check(self, interaction: discord.Interaction, member: discord.Member, command: str,
                    channel: discord.TextChannel | discord.VoiceChannel | None = None) -> None:
        name = self._command(command)
        if name == EVERY_COMMAND:
            raise BadInput("Name one command to check.",
                           example="/config permissions check member:@Sam command:tag get")
        found = find_command(self.bot.tree, name)
        place = channel or interaction.channel
        verdict = await self.verdict(found, member, place)
        await interaction.response.send_message(
            f"{verdict[0]} {member.mention} {verdict[1]} `/{name}` in {getattr(place, 'mention', 'this channel')}: "
            f"{verdict[2]}.", ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    async def verdict(self, command: Any, member: discord.Member, channel: Any) -> tuple[str, str, str]:
        """(icon, "may"/"may not", why) for `member` running `command` in `channel`: the module switch, the
        Discord permissions the command asks for, then the rules — what the command tree checks, in order."""
        modules: Modules = self.bot.modules
        module = modules.of_command(command)
        if module is not None and not await modules.is_on(member.guild.id, module):
            return "⛔", "may not use", f"{module.label} is turned off on this server"
        root = getattr(command, "root_parent", None) or command
        wanted = getattr(root, "default_permissions", None)
        if wanted is not None and hasattr(channel, "permissions_for"):
            have = channel.permissions_for(member)
            if not wanted <= have:
                missing = [permission_name(name) for name, value in wanted if value and not getattr(have, name)]
                return "⛔", "may not use", f"it needs the Discord permission {', '.join(missing)}"
        decision = await self.rules.decision(command, member, channel)
        return ("✅", "may use", decision.explain()) if decision.allowed else ("⛔", "may not use", decision.explain())

    @PERMISSIONS.command(name="cooldown", description="Limit how often each member may use a command (0 removes it)")
    @app_commands.describe(command="A command, a group or * for every command", uses="Uses allowed (0: no limit)",
                           per="Per how long, e.g. 30s, 10m, 1h (at most 1 day)")
    async def cooldown(self, interaction: discord.Interaction, command: str,
                       uses: app_commands.Range[int, 0, 100], per: str = "1m") -> None:
        name = self._command(command)
        assert interaction.guild_id is not None
        shown = "every command" if name == EVERY_COMMAND else f"`/{name}`"
        if uses == 0:
            if not await self.rules.remove_cooldown(interaction.guild_id, name):
                raise BadInput(f"{shown} has no cooldown.")
            await self._announce(interaction, "🗑️", f"Cooldown removed from {shown}.")
            return
        seconds = cooldown_seconds(per, example="per:30s")
        await self.rules.set_cooldown(interaction.guild_id, name, uses, seconds, by=interaction.user.id)
        await self._announce(interaction, "⏱️", f"{shown}: at most {uses} per {seconds} s per member.")

    @allow.autocomplete("command")
    @deny.autocomplete("command")
    @remove.autocomplete("command")
    @list_rules.autocomplete("command")
    @check.autocomplete("command")
    @cooldown.autocomplete("command")
    async def _command_choices(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        wanted = current.strip().lstrip("/").lower()
        names = sorted(known_commands(self.bot.tree).values(), key=str.lower)
        offered = ([EVERY_COMMAND] if wanted in ("", "*") else []) + [n for n in names if wanted in n.lower()]
        return [app_commands.Choice(name="* (every command)" if n == EVERY_COMMAND else f"/{n}"[:100], value=n)
                for n in offered][:25]

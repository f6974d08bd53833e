"""Hearth's command tree: every failure reaches the user as an ephemeral, human message, and autocomplete offers
choices only to members who may run the command (`may_run`).

It also announces each failure as the `app_command_failure` event, so the audit tracker records failed
commands and failed checks with their error message (discord.py only dispatches successes).

A command that has neither answered nor deferred after `ANSWER_WITHIN` seconds is stuck (typically on a database
that hangs instead of refusing connections: a query on an open connection then waits `DB_COMMAND_TIMEOUT`). It is
cancelled and the member told to try again, because Discord refuses any answer after 3 seconds and would only
show "The application did not respond".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from utils.errors import describe_error, fit_message

log = logging.getLogger(__name__)

ANSWER_WITHIN = 2.2  # seconds: Discord drops an interaction that is not answered within 3
TOO_SLOW = ("That took too long on my side (the bot's database may be slow or unavailable). "
            "Please try again in a minute.")


class HearthCommandTree(app_commands.CommandTree):
    """The `tree_cls` of HearthBot: one place for error handling."""

    answer_within = ANSWER_WITHIN

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Before any command or context menu runs: Hearth's own checks (`guard`), answered by `on_error` like
        any failed check."""
        await guard(interaction, interaction.command, count=True)
        return True

    async def _call(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            # discord.py runs no command check for autocomplete: without this, anyone could list what only staff
            # may act on (reminder titles, settings history …) by typing into a command they cannot run.
            if await may_run(interaction):
                await super()._call(interaction)
            elif not interaction.response.is_done():
                await interaction.response.autocomplete([])
            return
        work = asyncio.ensure_future(super()._call(interaction))
        done, _ = await asyncio.wait({work}, timeout=self.answer_within)
        if work in done or interaction.response.is_done():
            await work  # answered or deferred in time: let it finish (its errors are handled as usual)
            return
        # Answer first: unwinding the stuck await (asyncpg cleaning up a connection to a hung server) can itself
        # take seconds, and the 3-second window is nearly over.
        command = interaction.command
        name = command.qualified_name if command else "unknown command"
        log.warning("/%s gave no answer within %.1fs (guild %s, user %s): cancelled, the user was asked to retry",
                    name, self.answer_within, interaction.guild_id, interaction.user.id)
        error = TimeoutError(f"no answer within {self.answer_within:.1f}s")
        self.client.dispatch("app_command_failure", interaction, command, error, TOO_SLOW)
        await send_ephemeral(interaction, TOO_SLOW)
        work.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await work

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        reply = describe_error(error)
        command = interaction.command
        name = command.qualified_name if command else "unknown command"
        if reply.reference is not None:
            original = getattr(error, "original", error)
            log.error("Internal error %s in /%s (guild %s, user %s)", reply.reference, name,
                      interaction.guild_id, interaction.user.id, exc_info=original)
        else:
            log.info("/%s failed for user %s: %s", name, interaction.user.id, reply.text)
        self.client.dispatch("app_command_failure", interaction, command, error, reply.text)
        if interaction.type is discord.InteractionType.autocomplete:
            return  # nothing can be shown to the user while they type
        await send_ephemeral(interaction, reply.text)


async def guard(interaction: discord.Interaction, command: Any, *, count: bool) -> None:
    """Hearth's own checks before any command runs, whoever declared it: the command's module must be on in the
    guild (core/modules.py), and the guild's permission rules must let this member run it here, within its
    cooldown (core/command_rules.py; a use is counted only with `count`). Raises the check's `AppCommandError`."""
    if command is None:
        return
    modules = getattr(interaction.client, "modules", None)
    if modules is not None:
        await modules.check(interaction.guild_id, command)
    rules = getattr(interaction.client, "_command_rules", None)  # None before prepare() and in bare test clients
    if rules is not None:
        await rules.check(interaction, command, count=count)


async def may_run(interaction: discord.Interaction, command: Any = None) -> bool:
    """Whether the member may run `command` (default: the command of this interaction) where the interaction
    happens, by Hearth's own checks (`guard`) and the checks discord.py applies when it is run
    (the parent group's and the cog's `interaction_check`, the command's checks) and, stricter, every enclosing
    group's `interaction_check` and the top-level command's `default_permissions` and `guild_only`.

    Used for autocomplete, which discord.py answers without any check. A check that raises counts as a refusal.
    Access that depends on the data (a member's own items) is for the autocomplete callback to filter. Checks run
    on every keystroke, so they must not count uses: cooldowns are counted in the command body (utils/cooldowns).
    `/help` asks the same question for every command."""
    command = command or interaction.command
    if not isinstance(command, app_commands.Command | app_commands.ContextMenu):
        return False
    groups: list[app_commands.Group] = []
    parent = command.parent if isinstance(command, app_commands.Command) else None
    while parent is not None:
        groups.append(parent)
        parent = parent.parent
    root: app_commands.Command | app_commands.ContextMenu | app_commands.Group = groups[-1] if groups else command
    if root.guild_only and interaction.guild_id is None:
        return False
    wanted = root.default_permissions
    if wanted is not None and interaction.guild_id is not None and not wanted <= interaction.permissions:
        return False
    binding = command.binding if isinstance(command, app_commands.Command) else None
    checks: list[Any] = [_passes(guard, command)]  # counts no use: autocomplete runs on every keystroke
    checks += [group.interaction_check for group in reversed(groups) if group is not binding]
    if binding is not None and hasattr(binding, "interaction_check"):
        checks.append(binding.interaction_check)
    checks.extend(command.checks)
    try:
        for check in checks:
            if not await discord.utils.maybe_coroutine(check, interaction):
                return False
    except app_commands.AppCommandError:
        return False  # a refused check (missing permission …): the member may not run it
    except Exception:  # a failing check refuses: the member only misses suggestions
        log.warning("Checking /%s: a check failed (guild %s, user %s); no choices offered",
                    command.qualified_name, interaction.guild_id, interaction.user.id, exc_info=True)
        return False
    return True


def _passes(check: Any, command: Any) -> Any:
    """A check of `command` that raises on refusal (and counts no use), as one that returns whether it passed."""
    async def passes(interaction: discord.Interaction) -> bool:
        await check(interaction, command, count=False)
        return True
    return passes


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Answer privately, whether or not the interaction was already answered or deferred."""
    text = fit_message(text)  # an error quoting a 6000-character option must still reach the member
    try:
        if interaction.response.is_done():
            await _drop_public_placeholder(interaction)
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:  # the interaction expired or Discord is down: the log must say so
        log.warning("Could not tell user %s about an error (%s): %s", interaction.user.id, exc, text)


async def _drop_public_placeholder(interaction: discord.Interaction) -> None:
    """After a public "thinking…" defer, the first followup replaces that message and is public whatever its
    flags: delete the placeholder first, so the failure message is a new, private one."""
    if interaction.response.type is not discord.InteractionResponseType.deferred_channel_message:
        return
    try:
        original = await interaction.original_response()
        if original.flags.loading and not original.flags.ephemeral:
            await original.delete()
    except discord.HTTPException as exc:  # then the message is public, but it still reaches the user
        log.info("Could not remove the public placeholder of interaction %s: %s", interaction.id, exc)


async def report_failure(interaction: discord.Interaction, error: Exception, what: str) -> None:
    """For buttons, selects and modals (which the command tree does not see): word the failure as for a command,
    tell the member ephemerally and log it (with a reference id for internal errors)."""
    reply = describe_error(error)
    if reply.reference is None:
        log.info("%s refused for user %s: %s", what, interaction.user.id, reply.text)
    else:
        log.error("Internal error %s in %s (guild %s, user %s)", reply.reference, what, interaction.guild_id,
                  interaction.user.id, exc_info=error)
    await send_ephemeral(interaction, reply.text)

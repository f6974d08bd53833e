"""Module switches (`/config modules`, core/modules.py): a module that is off refuses its commands, context menus and
buttons, its listeners and message stages do nothing, its scheduled jobs wait and run once it is back on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord
import pytest
from discord import app_commands

from core.guild_settings import UnknownSetting
from core.modules import declare
from core.settings_registry import SettingSpec, SettingType
from tests.hearth_harness import Hearth
from tests.kit.roles import roles_desk
from tests.kit.tags import TagDesk
from utils.errors import BadInput, UserFacingError

OFF = "is turned off on this server (an admin can turn it on with /config modules)."


async def switch(hearth: Hearth, module: str, on: bool) -> str:
    """`/config modules module:<module> on:<on>` as the admin; the answer."""
    result = await hearth.discord.slash("config modules", user=hearth.guild.admin, module=module, on=on)
    assert result.ephemeral
    return result.text


async def test_a_module_off_refuses_its_commands_until_it_is_on_again(hearth: Hearth) -> None:
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")
    assert await switch(hearth, "tags", False) == "⛔ **Tags** turned off."
    row = await tags.db.fetchrow("SELECT key, new_value, changed_by FROM settings_history WHERE scope = 'modules'")
    assert tuple(row) == ("tags", False, hearth.guild.admin.id)
    refused = await tags.post("rules")  # a refused check: not an error of the bot
    assert refused.ephemeral and refused.text == f"Tags {OFF}"
    assert tags.posts() == []
    assert await hearth.discord.autocomplete("tag get", "name", user=tags.member, partial="ru") == []
    assert await switch(hearth, "tags", True) == "✅ **Tags** turned on."
    await tags.post("rules")
    assert [m.content for m in tags.posts()] == ["Be kind."]


async def test_the_listing_shows_each_module_and_bad_names_are_explained(hearth: Hearth) -> None:
    await switch(hearth, "welcome", False)
    listing = await hearth.discord.slash("config modules", user=hearth.guild.admin)
    field = listing.message.embeds[0]["description"]
    assert "⛔ **Welcome** (`welcome`)" in field and "✅ **Tags** (`tags`)" in field
    async with hearth.discord.expect_errors(BadInput):
        bad = await hearth.discord.slash("config modules", user=hearth.guild.admin, module="weather", on=False)
    assert bad.ephemeral and bad.text.startswith("There is no module `weather`. Modules: ")
    again = await switch(hearth, "welcome", False)
    assert again == "**Welcome** is already off."
    member = await hearth.discord.slash("config modules", user=hearth.guild.member, module="tags", on=False,
                                        check_permissions=False)
    assert member.ephemeral and "Manage Server" in member.text
    assert await hearth.bot.guild_settings.get(hearth.guild.guild.id, "modules", "tags") is True


async def test_context_menus_and_listeners_of_a_module_that_is_off_do_nothing(hearth: Hearth) -> None:
    g = hearth.guild
    welcome = g.guild.add_text_channel("welcome")
    await hearth.discord.settle()
    await hearth.bot.guild_settings.set(g.guild.id, "welcome", "welcome_channel", welcome.id, changed_by=g.owner.id)
    await switch(hearth, "welcome", False)
    await hearth.discord.member_join(g.guild, "quiet")
    assert hearth.discord.messages_in(welcome) == []
    await switch(hearth, "welcome", True)
    await hearth.discord.member_join(g.guild, "greeted")
    assert len(hearth.discord.messages_in(welcome)) == 1

    await switch(hearth, "moderation", False)
    message = await hearth.discord.say(g.general, g.member, "rude words")
    menu = await hearth.discord.context_menu("Warn", message, user=g.moderator)
    assert menu.ephemeral and menu.text == f"Moderation {OFF}"
    assert await hearth.db.fetchval("SELECT count(*) FROM moderation_cases") == 0


async def test_a_message_stage_of_a_module_that_is_off_is_skipped(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    added = await d.slash("config custom_commands add", user=g.admin, name="hello", trigger_type="exact",
                          trigger="!hello", response="Hi there")
    assert added.text.startswith("✅")
    bot_id = hearth.bot.user.id
    await switch(hearth, "custom_commands", False)
    await d.say(g.general, g.member, "!hello")
    assert [m.content for m in d.messages_in(g.general) if m.author.id == bot_id] == []
    await switch(hearth, "custom_commands", True)
    await d.say(g.general, g.member, "!hello")
    assert [m.content for m in d.messages_in(g.general) if m.author.id == bot_id] == ["Hi there"]


async def test_scheduled_jobs_wait_while_off_and_run_when_back_on(hearth: Hearth) -> None:
    desk = await roles_desk(hearth)
    await desk.roles("autorole add", role=desk.gamer, delay="10m")
    begin = hearth.clock.now()
    person = await desk.d.member_join(desk.server, "pat")
    await switch(hearth, "roles", False)
    await hearth.move_clock(begin + timedelta(hours=2))  # long past the job's time and the guild's grace
    assert not desk.has(person, desk.gamer)
    assert await desk.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'roles_autorole'") == 1
    await hearth.restart()  # the pause is in the database, not in this process
    await hearth.move_clock(begin + timedelta(hours=3))
    assert not desk.has(person, desk.gamer)
    await switch(hearth, "roles", True)
    await hearth.move_clock(begin + timedelta(hours=3, seconds=1))
    assert desk.has(person, desk.gamer)
    assert await desk.db.fetchval("SELECT count(*) FROM timers WHERE kind = 'roles_autorole'") == 0


# The AI module has no command of its own: its switch (gpt.enabled) refuses the LLM calls of other modules'
# commands (tests/gpt). These modules' commands are all admin configuration under /config, which stays available
# while they are off; what the switch stops there is their listeners, stages, buttons and jobs.
WITHOUT_COMMANDS = {"ai", "automod", "custom_commands", "logs", "onboarding", "stats", "verification"}


def _simple_options(command: app_commands.Command, hearth: Hearth) -> dict[str, Any] | None:
    """Plain values for the command's required options (None when one needs something this test can't give)."""
    g = hearth.guild
    values: dict[str, Any] = {}
    for parameter in command.parameters:
        if not parameter.required:
            continue
        kind = parameter.type
        if parameter.choices:
            values[parameter.display_name] = parameter.choices[0].value
        elif kind is discord.AppCommandOptionType.string:
            values[parameter.display_name] = "x"
        elif kind in (discord.AppCommandOptionType.integer, discord.AppCommandOptionType.number):
            values[parameter.display_name] = parameter.min_value or 1
        elif kind is discord.AppCommandOptionType.boolean:
            values[parameter.display_name] = False
        elif kind in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable):
            values[parameter.display_name] = g.member
        elif kind is discord.AppCommandOptionType.channel and not parameter.channel_types:
            values[parameter.display_name] = g.general
        else:
            return None
    return values


async def test_every_module_refuses_its_commands_while_off_and_runs_them_when_on(hearth: Hearth) -> None:
    """For each module, one of its slash commands (the first it can fill): refused with the module's message while
    off, and run (whatever it then answers) once the module is on again."""
    hearth.discord.ignore_errors(UserFacingError, app_commands.TransformerError)  # answers to the dummy options
    modules = hearth.bot.modules
    leaves = [c for c in hearth.bot.tree.walk_commands() if isinstance(c, app_commands.Command)]
    tried = []
    for module in modules.all():
        if module.name in WITHOUT_COMMANDS:
            continue
        mine = sorted((c for c in leaves if modules.of_command(c) is module), key=lambda c: c.qualified_name)
        runnable = [(c, options) for c in mine if (options := _simple_options(c, hearth)) is not None]
        assert runnable, f"no command of {module.name} could be tried"
        command, options = runnable[0]
        await switch(hearth, module.name, False)
        refused = await hearth.discord.slash(command.qualified_name, user=hearth.guild.owner, options=options,
                                             check_permissions=False)
        assert refused.text == f"{module.label} {OFF}", (command.qualified_name, refused.text)
        await switch(hearth, module.name, True)
        ran = await hearth.discord.slash(command.qualified_name, user=hearth.guild.owner, options=options,
                                         check_permissions=False)
        assert OFF not in (ran.text or ""), (command.qualified_name, ran.text)
        tried.append(module.name)
    assert len(tried) + len(WITHOUT_COMMANDS) == len(modules.all()) == 20


async def test_every_listener_of_a_module_is_gated(hearth: Hearth) -> None:
    """Each module's cog listeners go through the switch (except those a cog names in `always_listening`), and its
    message stages carry the module, so a module that is off does no work per event."""
    modules = hearth.bot.modules
    listeners = 0
    for cog in hearth.bot.cogs.values():
        module = modules.of_cog(cog)
        if module is None:
            continue
        for _event, name in cog.__cog_listeners__:
            listeners += 1
            gated = getattr(getattr(cog, name), "__wrapped__", None) is not None
            assert gated != (name in cog.always_listening), (cog.qualified_name, name)
    staged = {r.name: r.module.name if r.module else None for r in hearth.bot.pipeline._stages}
    assert listeners >= 20
    # Raid protection is not a module (turning it off would be turning the brake off): its stage always runs.
    assert staged == {"automod": "automod", "custom_commands": "custom_commands", "engagement": "engagement",
                      "levels": "levels", "points": "points", "embed_watcher": "reminders", "raid": None,
                      "insight": "stats", "tickets": "tickets", "verification": "verification"}


async def test_a_listener_cut_short_by_its_cogs_unload_ends_quietly(hearth: Hearth) -> None:
    """A settings change from another process (NOTIFY) can start a listener just before shutdown unloads its cog and
    unregisters its settings: that listener ends quietly, while the same error in a loaded cog still surfaces."""
    modules = hearth.bot.modules
    module = declare("sampler", "Sampler", docs="sampler.md", summary="a test module")
    hearth.bot.settings_registry.register(module.switch)
    modules.add("Sampler", module)
    gone = SettingSpec("sampler", "gone", SettingType.BOOL, False, "A setting its cog took away")

    async def listener(guild_id: int) -> bool:
        return await hearth.bot.guild_settings.setting(guild_id, gone)

    gated = modules.gate_listener(module, listener)
    with pytest.raises(UnknownSetting):
        await gated(hearth.guild.guild.id)  # the cog is loaded: a real bug, reported
    modules.remove("Sampler")
    assert await gated(hearth.guild.guild.id) is None  # unloaded meanwhile: nothing to report
    hearth.bot.settings_registry.unregister(module.switch)

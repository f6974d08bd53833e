"""Command permission rules (`/config permissions`, core/command_rules.py): deny by role, allow only in a channel,
a member override, cooldowns, `check` agreeing with what really happens, and a change reaching another process."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.command_rules import Rule, Where, decide
from tests.hearth_harness import Hearth
from tests.kit.tags import TagDesk
from tests.standin.models import Channel, Member
from tests.waiting import eventually
from utils.cooldowns import OnCooldown
from utils.errors import BadInput

REFUSED = "This server's rules don't let you use this command here."


async def rule(hearth: Hearth, verb: str, **options: Any) -> str:
    """`/config permissions <verb>` as the admin; the answer."""
    result = await hearth.discord.slash(f"config permissions {verb}", user=hearth.guild.admin, options=options)
    assert result.ephemeral
    return result.text


async def post(tags: TagDesk, who: Member, channel: Channel | None = None) -> Any:
    """`/tag get name:rules` as `who` in `channel` (default #general)."""
    return await tags.d.slash("tag get", user=who, guild=tags.server, channel=channel or tags.g.general,
                              options={"name": "rules"})


async def ready(hearth: Hearth) -> tuple[TagDesk, Member, Channel]:
    """A tag to post, a muted member and #bot-commands."""
    tags = TagDesk(hearth)
    await tags.create("rules", "Be kind.")
    muted_role = tags.server.add_role("Muted")
    muted = tags.server.add_member("mo", roles=[muted_role])
    bot_commands = tags.server.add_text_channel("bot-commands")
    await tags.d.settle()
    return tags, muted, bot_commands


async def test_deny_by_role_and_a_member_override(hearth: Hearth) -> None:
    tags, muted, _ = await ready(hearth)
    muted_role = next(r for r in tags.server.roles.values() if r.name == "Muted")
    assert await rule(hearth, "deny", command="tag", role=muted_role) == (
        f"⛔ Rule saved: deny `/tag` for <@&{muted_role.id}>.")
    refused = await post(tags, muted)
    assert refused.ephemeral and refused.text.startswith(REFUSED)
    assert tags.posts() == []
    await post(tags, tags.member)  # no rule for them
    assert len(tags.posts()) == 1
    await rule(hearth, "allow", command="tag get", member=muted)  # a more specific command, for this member
    await post(tags, muted)
    assert len(tags.posts()) == 2
    created = await tags.run("create", muted, name="other", content="x")
    assert created.text.startswith(REFUSED)  # the rest of /tag stays denied to the role
    rows = await hearth.db.fetch("SELECT command, target_type, allow, created_by FROM command_rules ORDER BY id")
    assert [tuple(r) for r in rows] == [("tag", "role", False, hearth.guild.admin.id),
                                        ("tag get", "member", True, hearth.guild.admin.id)]


async def test_only_in_a_channel_and_admins_are_never_locked_out(hearth: Hearth) -> None:
    tags, _, bot_commands = await ready(hearth)
    await rule(hearth, "deny", command="*")
    await rule(hearth, "allow", command="*", channel=bot_commands)
    assert (await post(tags, tags.member)).text.startswith(REFUSED)
    await post(tags, tags.member, bot_commands)
    assert [m.content for m in tags.d.messages_in(bot_commands) if m.author.id == hearth.bot.user.id] == ["Be kind."]
    await post(tags, tags.g.owner)  # the owner is never refused
    assert len(tags.posts()) == 1
    listing = await rule(hearth, "list")
    assert listing.splitlines() == ["Command permission rules", f"• allow every command for <#{bot_commands.id}>",
                                    "• deny every command for everyone (server default)"]
    async with tags.d.expect_errors(BadInput):
        locked = await rule(hearth, "deny", command="config")
    assert locked.startswith("/config is never restricted by rules")


async def test_check_agrees_with_what_happens(hearth: Hearth) -> None:
    tags, muted, bot_commands = await ready(hearth)
    muted_role = next(r for r in tags.server.roles.values() if r.name == "Muted")
    await rule(hearth, "deny", command="*")
    await rule(hearth, "allow", command="*", channel=bot_commands)
    await rule(hearth, "deny", command="tag get", role=muted_role)
    await rule(hearth, "allow", command="tag get", member=tags.member)
    for who in (muted, tags.member, tags.g.moderator):
        for channel in (tags.g.general, bot_commands):
            verdict = await rule(hearth, "check", member=who, command="tag get", channel=channel)
            before = len(tags.d.messages_in(channel))
            result = await post(tags, who, channel)
            ran = len(tags.d.messages_in(channel)) > before
            assert verdict.startswith("✅" if ran else "⛔"), (who.name, channel.name, verdict, result.text)
            assert ran == (not result.text.startswith(REFUSED))
    verdict = await rule(hearth, "check", member=muted, command="tag get", channel=bot_commands)
    assert verdict == (f"⛔ <@{muted.id}> may not use `/tag get` in <#{bot_commands.id}>: "
                       f"by the rule: deny `/tag get` for <@&{muted_role.id}>.")
    await hearth.discord.slash("config modules", user=hearth.guild.admin, module="tags", on=False)
    off = await rule(hearth, "check", member=tags.member, command="tag get", channel=bot_commands)
    assert off.endswith("Tags is turned off on this server.")


async def test_a_cooldown_counts_uses_per_member(hearth: Hearth) -> None:
    tags, muted, _ = await ready(hearth)
    assert await rule(hearth, "cooldown", command="tag get", uses=2, per="1m") == (
        "⏱️ `/tag get`: at most 2 per 60 s per member.")
    await post(tags, tags.member)
    await post(tags, tags.member)
    async with tags.d.expect_errors(OnCooldown):
        third = await post(tags, tags.member)
    assert third.ephemeral and third.text.startswith("You're doing /tag get too often. Try again in")
    await post(tags, muted)  # another member has their own count
    assert len(tags.posts()) == 3
    await hearth.move_clock(hearth.clock.now() + timedelta(seconds=61))
    await post(tags, tags.member)
    assert len(tags.posts()) == 4
    assert await rule(hearth, "cooldown", command="tag get", uses=0) == "🗑️ Cooldown removed from `/tag get`."


async def test_bad_rules_are_explained(hearth: Hearth) -> None:
    _, muted, bot_commands = await ready(hearth)
    async with hearth.discord.expect_errors(BadInput):
        unknown = await rule(hearth, "deny", command="weather now")
    assert unknown.startswith("There is no command `/weather now` here.")
    async with hearth.discord.expect_errors(BadInput):
        two = await rule(hearth, "deny", command="tag", channel=bot_commands, member=muted)
    assert two.startswith("Give one target per rule")
    async with hearth.discord.expect_errors(BadInput):
        missing = await rule(hearth, "remove", command="tag", member=muted)
    assert missing.startswith("There is no rule for `tag` and")
    async with hearth.discord.expect_errors(BadInput):
        too_long = await rule(hearth, "cooldown", command="tag", uses=1, per="3d")
    assert "cooldown" in too_long
    choices = await hearth.discord.autocomplete("config permissions deny", "command", user=hearth.guild.admin,
                                                partial="tag ge")
    assert [c["value"] for c in choices] == ["tag get"]


async def test_a_rule_changed_in_one_process_reaches_another(hearth: Hearth) -> None:
    _, muted, _ = await ready(hearth)
    other = await hearth.discord.connect(hearth.make_bot(cogs=["config"]))
    try:
        guild = hearth.guild.guild.id
        assert (await other.command_rules.of_guild(guild)).rules == ()  # cached there now
        # (Both bots see the same guild here, so the change is made in the first one's code path directly: a slash
        # command would reach both.)
        await hearth.bot.command_rules.set_rule(guild, "tag", "member", muted.id, False, by=hearth.guild.admin.id)

        async def heard() -> bool:
            return bool((await other.command_rules.of_guild(guild)).rules)

        await eventually(heard, timeout=5, message="the other process never dropped its cached rules")
        assert [(r.command, r.target_id) for r in (await other.command_rules.of_guild(guild)).rules] == [
            ("tag", muted.id)]
    finally:
        await hearth.discord.disconnect(other)


def test_the_most_specific_name_and_target_decide() -> None:
    where = Where(member_id=1, role_ids=frozenset({10, 11}), channel_id=20, category_id=30, guild_id=99)
    rules = [Rule(1, "*", "server", 99, False), Rule(2, "*", "channel", 30, True),
             Rule(3, "ticket", "role", 10, False), Rule(4, "ticket", "role", 11, True),
             Rule(5, "ticket close", "channel", 20, False)]
    assert decide(rules, ["tag get", "tag", "*"], where).rule == rules[1]  # the category allows every command
    assert decide(rules, ["ticket open", "ticket", "*"], where).rule == rules[3]  # one allowed role is enough
    assert not decide(rules, ["ticket close", "ticket", "*"], where).allowed  # the command's own rule first
    elsewhere = Where(member_id=1, role_ids=frozenset(), channel_id=21, category_id=None, guild_id=99)
    assert decide(rules, ["tag get", "tag", "*"], elsewhere).rule == rules[0]
    assert decide([], ["tag get", "tag", "*"], elsewhere).allowed

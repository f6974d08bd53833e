"""Custom commands through the stand-in: triggers, case, templates, mention suppression, delete/reply, uses in
batches, the commands, cache invalidation (also from another process) and guild isolation."""

from __future__ import annotations

import asyncio

import pytest

from cogs.custom_commands import repo
from cogs.custom_commands.templates import check_template, render
from tests.hearth_harness import Hearth
from utils.errors import BadInput


async def add(hearth: Hearth, name: str, trigger_type: str, trigger: str, response: str, **options) -> str:
    result = await hearth.discord.slash("config custom_commands add", user=hearth.guild.admin,
                                        options={"name": name, "trigger_type": trigger_type, "trigger": trigger,
                                                 "response": response, **options})
    return result.text


def bot_posts(hearth: Hearth):
    return [m for m in hearth.discord.messages_in(hearth.guild.general) if m.author.id == hearth.bot.user.id]


def test_templates_render_and_refuse() -> None:
    values = {"user": "Bob", "user.mention": "<@1>", "user.name": "bob", "server": "S", "channel": "<#2>",
              "uses": "3", "args": "x"}
    assert render("Hi {user} ({user.name}) {{literal}} #{uses} in {server} {channel}: {args}", values) == \
        "Hi Bob (bob) {literal} #3 in S <#2>: x"
    assert check_template("{user.mention} {args}") == {"user.mention", "args"}
    with pytest.raises(BadInput, match=r"Unknown variable \{user.email\}"):
        check_template("mail {user.email}")
    with pytest.raises(BadInput, match="stray brace"):
        check_template("a { b")
    with pytest.raises(BadInput, match="the limit is 1900"):
        check_template("x" * 1901)
    assert len(render("{args}", {"args": "y" * 3000})) == 2000


async def test_trigger_types_and_case(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await add(hearth, "rules", "exact", "!rules", "Read #rules")
    await add(hearth, "roll", "starts_with", "!roll", "Rolling {args}")
    await add(hearth, "coffee", "contains", "coffee", "☕")
    await add(hearth, "dice", "regex", r"^(\d+)d6$", "Rolling {args} dice")
    await add(hearth, "shout", "exact", "HELLO", "quiet please", case_sensitive=True)
    for text in ("!RULES", "!roll 2d20", "I need COFFEE now", "3d6", "HELLO", "hello", "!rules please"):
        await d.say(g.general, g.member, text)
    assert [m.content for m in bot_posts(hearth)] == ["Read #rules", "Rolling 2d20", "☕", "Rolling 3 dice",
                                                     "quiet please"]


async def quiet_general(hearth: Hearth) -> None:
    """As on most servers: members (the admin too) may not mention everyone in #general; the owner may."""
    guild = hearth.guild.guild
    guild.set_overwrite(hearth.guild.general, "everyone", deny=["mention_everyone"])
    guild.set_overwrite(hearth.guild.general, guild.bot_role, allow=["mention_everyone"])  # the bot itself may
    await hearth.discord.settle()


async def test_variables_reply_and_no_mass_mentions(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await quiet_general(hearth)
    await add(hearth, "greet", "starts_with", "!greet", "Hi {user.mention} ({user.name}) in {server} {channel}: "
              "{args} #{uses}")
    await d.say(g.general, g.member, f"!greet @everyone <@&{g.moderator_role.id}>")
    [post] = bot_posts(hearth)
    assert post.content == (f"Hi {g.member.mention} (bob) in Hearth Test {g.general.mention}: "
                            f"@everyone <@&{g.moderator_role.id}> #1")
    assert post.message_reference is not None  # a reply by default
    # Neither the admin who wrote it nor the member who used it may mention everyone here.
    assert post.pings.everyone is False and post.pings.roles == [] and post.pings.users == [g.member.id]


async def test_plain_response_never_pings_more_than_its_user_may(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await quiet_general(hearth)
    await add(hearth, "echo", "starts_with", "!echo", "{args}", reply_to_user=False)
    await d.say(g.general, g.member, f"!echo @everyone {g.admin.mention}")
    [post] = bot_posts(hearth)
    assert post.message_reference is None
    # A user, as the member could ping themselves; never @everyone.
    assert post.pings.everyone is False and post.pings.users == [g.admin.id]


async def test_a_response_pings_only_what_its_last_author_and_its_user_may(hearth: Hearth) -> None:
    """Another admin (no Mention Everyone) edits the owner's command to ping everyone: it pings nobody, even when
    the owner uses it. The owner setting the text again makes it ping — for users who may ping everyone too."""
    d, g = hearth.discord, hearth.guild
    await quiet_general(hearth)
    owner_add = await d.slash("config custom_commands add", user=g.owner, name="party", trigger_type="exact",
                              trigger="!party", response="@everyone party time")
    assert owner_add.text.startswith("✅") and "will not ping" not in owner_add.text
    edited = await d.slash("config custom_commands edit", user=g.admin, name="party",
                           response="@everyone party now!")
    await d.say(g.general, g.owner, "!party")
    assert bot_posts(hearth)[-1].content == "@everyone party now!"
    assert bot_posts(hearth)[-1].pings.everyone is False
    assert "@everyone will not ping" in edited.text  # the admin was told
    assert await hearth.db.fetchval("SELECT response_set_by FROM custom_commands") == g.admin.id
    # An option change by the admin does not make them the response's author.
    await d.slash("config custom_commands edit", user=g.owner, name="party", response="@everyone party now!")
    await d.slash("config custom_commands edit", user=g.admin, name="party", reply_to_user=False)
    await d.say(g.general, g.owner, "!party")
    assert bot_posts(hearth)[-1].pings.everyone is True
    # A member who may not mention everyone here cannot make the owner's command do it for them.
    await d.say(g.general, g.member, "!party")
    assert bot_posts(hearth)[-1].pings.everyone is False


async def test_delete_trigger(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await add(hearth, "secret", "exact", "!secret", "shh", delete_trigger=True)
    trigger = await d.say(g.general, g.member, "!secret")
    assert d.world.messages[trigger.id].deleted and [m.content for m in bot_posts(hearth)] == ["shh"]


async def test_refused_at_creation(hearth: Hearth) -> None:
    d = hearth.discord
    cases = [("a", "exact", "x", "{nope}", "Unknown variable {nope}"),
             ("b", "exact", "x", "y" * 1901, "the limit is 1900"),
             ("c", "regex", r"(a)\1", "x", "That regex is refused"),
             ("d", "exact", "t" * 201, "x", "the limit is 200"),
             ("Bad Name!", "exact", "x", "x", "A name is")]
    for name, kind, trigger, response, message in cases:
        with d.expect_errors(BadInput):
            text = await add(hearth, name, kind, trigger, response)
        assert message in text, text
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0


async def test_uses_are_counted_in_batches(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await add(hearth, "ping", "exact", "!ping", "pong #{uses}")
    for _ in range(3):
        await d.say(g.general, g.member, "!ping")
    assert [m.content for m in bot_posts(hearth)] == ["pong #1", "pong #2", "pong #3"]
    assert await hearth.db.fetchval("SELECT uses FROM custom_commands") == 0  # not yet written
    cog = hearth.bot.get_cog("CustomCommands")
    assert await cog.uses.flush(cog.pool) == 1  # one row, one statement
    assert await hearth.db.fetchval("SELECT uses FROM custom_commands") == 3
    shown = await d.slash("config custom_commands show", user=g.admin, name="ping")
    assert "3" in {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Uses"]
    await hearth.restart()  # unload flushes too
    await d.say(g.general, g.member, "!ping")
    assert bot_posts(hearth)[-1].content == "pong #4"


async def test_edit_remove_list_and_cache_invalidation(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await add(hearth, "faq", "exact", "!faq", "old answer")
    await d.say(g.general, g.member, "!faq")
    await d.slash("config custom_commands edit", user=g.admin, name="faq", response="new answer")
    await d.say(g.general, g.member, "!faq")
    await d.slash("config custom_commands edit", user=g.admin, name="faq", enabled=False)
    await d.say(g.general, g.member, "!faq")
    listing = await d.slash("config custom_commands list", user=g.admin)
    assert "`faq` · exact `!faq` · 2 use(s) · disabled" in listing.text
    await d.slash("config custom_commands remove", user=g.admin, name="faq")
    assert [m.content for m in bot_posts(hearth)] == ["old answer", "new answer"]
    assert await hearth.db.fetchval("SELECT count(*) FROM custom_commands") == 0


async def test_a_change_from_another_process_invalidates_the_cache(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await d.say(g.general, g.member, "!new")  # caches "no commands"
    values = {"name": "new", "trigger_type": "exact", "trigger_value": "!new", "response": "fresh",
              "case_sensitive": False, "delete_trigger": False, "reply_to_user": True}
    await repo.create(hearth.db, g.guild.id, values, g.admin.id, hearth.clock.now())  # the test's own connection
    cog = hearth.bot.get_cog("CustomCommands")
    for _ in range(200):
        if cog.cache.peek(g.guild.id) is None:
            break
        await asyncio.sleep(0.01)
    await d.say(g.general, g.member, "!new")
    assert [m.content for m in bot_posts(hearth)] == ["fresh"]


async def test_guilds_are_isolated(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    other = d.add_guild("Other")
    channel = other.add_text_channel("general")
    boss = other.add_member("boss", permissions=["manage_guild"])
    await d.settle()
    await d.slash("config custom_commands add", user=boss, guild=other,
                  options={"name": "theirs", "trigger_type": "exact", "trigger": "!theirs", "response": "theirs"})
    await d.say(g.general, g.member, "!theirs")
    assert bot_posts(hearth) == []
    await d.say(channel, boss, "!theirs")
    assert [m.content for m in d.messages_in(channel) if m.author.id == hearth.bot.user.id] == ["theirs"]
    with d.expect_errors(BadInput):
        result = await d.slash("config custom_commands remove", user=g.admin, name="theirs")
    assert "There is no custom command `theirs` on this server." in result.text
    listing = await d.slash("config custom_commands list", user=g.admin)
    assert "theirs" not in listing.text


async def test_a_message_deleted_by_automod_gets_no_answer(hearth: Hearth) -> None:
    d, g = hearth.discord, hearth.guild
    await add(hearth, "nitro", "contains", "nitro", "Nitro is Discord's subscription")
    await d.slash("config automod action_add", user=g.admin, options={"type": "delete"})
    action = await hearth.db.fetchval("SELECT id FROM automod_actions")
    await d.slash("config automod add", user=g.admin,
                  options={"name": "scam", "type": "content", "words": "free nitro", "action": action})
    scam = await d.say(g.general, g.member, "free nitro here")
    question = await d.say(g.general, g.member, "what is nitro?")
    assert d.world.messages[scam.id].deleted and not d.world.messages[question.id].deleted
    assert [m.content for m in bot_posts(hearth)] == ["Nitro is Discord's subscription"]

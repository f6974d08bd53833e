"""Shared ground for the hostile-input tests: the commands of the live tree, a second guild full of data that no
command run in the first guild may touch, database snapshots, and hypothesis strategies for every option type.

Strategies produce what Discord itself could send: the declared choices, min/max values and lengths are honoured
(Discord enforces them before the bot sees anything), channels of the declared channel types from the invoking
guild, roles of that guild, any user. Everything the declared type allows is fair game: very long text, unicode,
SQL and markdown metacharacters, mentions, the ids of the other guild's rows and objects, ids that do not exist.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from hypothesis import strategies as st

from tests.hearth_harness import Hearth
from tests.standin.models import Channel, Member, Role, User

INTERNAL_ERROR = "Something went wrong on my side"
DISCORD_INT = 2**53  # Discord's integer options range over ±2^53
DISCORD_STRING = 6000  # longest string option Discord accepts

# Tables without a guild_id column, and how their rows belong to a guild (none left: every guild table has one).
LINKED_TABLES: dict[str, str] = {}


def leaf_commands(tree: app_commands.CommandTree) -> list[app_commands.Command]:
    """Every slash command and subcommand of the live tree (groups walked, /config subgroups of cogs included)."""

    def walk(items: list[Any]) -> Iterator[app_commands.Command]:
        for item in items:
            if isinstance(item, app_commands.Group):
                yield from walk(item.commands)
            elif isinstance(item, app_commands.Command):
                yield item

    return sorted(walk(tree.get_commands(type=discord.AppCommandType.chat_input)), key=lambda c: c.qualified_name)


def effective_default_permissions(command: app_commands.Command) -> discord.Permissions | None:
    """The default_permissions Discord applies: only the top-level command's (subcommands' are ignored)."""
    root: Any = command
    while root.parent is not None:
        root = root.parent
    return root.default_permissions


def has_permission_check(command: app_commands.Command) -> bool:
    """Whether the command, a group above it or its cog declares a permission: default_permissions, a
    `has_permissions` check, or an `interaction_check` of its group or cog."""
    binding = command.binding
    if binding is not None and type(binding).interaction_check is not commands.Cog.interaction_check:
        return True
    node: Any = command
    while node is not None:
        if node.default_permissions is not None:
            return True
        if any("has_permissions" in getattr(check, "__qualname__", "") for check in getattr(node, "checks", [])):
            return True
        if isinstance(node, app_commands.Group) and \
                type(node).interaction_check is not app_commands.Group.interaction_check:
            return True
        node = node.parent
    return False


# --- the other guild ------------------------------------------------------------------------------------------------


@dataclass
class OtherGuild:
    """Guild B: its Discord objects and the ids of its seeded rows (what a hostile id option points at)."""

    guild: Any
    owner: Member
    member: Member
    role: Role
    channel: Channel
    category: Channel
    row_ids: dict[str, list[int]] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        """Every seeded serial id (tickets, reminders, rules ...), to be tried as ids in guild A."""
        return sorted({i for ids in self.row_ids.values() for i in ids})


async def seed_other_guild(hearth: Hearth) -> OtherGuild:
    """Create guild B in the stand-in and put a few rows for it in nearly every table."""
    b = hearth.discord.add_guild("Other Guild", owner="olga")
    role = b.add_role("B Staff", ["manage_messages"], mentionable=True)
    category = b.add_category("B Tickets")
    channel = b.add_text_channel("b-general")
    member = b.add_member("carol", roles=[role])
    other = OtherGuild(b, b.owner, member, role, channel, category)
    await hearth.discord.settle()
    gid, uid, oid, cid = b.id, member.id, b.owner.id, channel.id
    now = datetime.now(UTC)
    db = hearth.db
    ids = other.row_ids

    async def many(table: str, sql: str, *args: Any) -> None:
        rows = await db.fetch(sql, *args)
        ids.setdefault(table, []).extend(r["id"] for r in rows if "id" in r)

    await many("support_tickets", """
        INSERT INTO support_tickets (guild_id, user_id, username, description, status, channel_id, category)
        VALUES ($1, $2, 'carol', 'B ticket one, secret', 'open', $3, 'general'),
               ($1, $2, 'carol', 'B ticket two, secret', 'closed', NULL, NULL) RETURNING id""", gid, uid, cid)
    ticket = ids["support_tickets"][0]
    await many("ticket_notes", "INSERT INTO ticket_notes (guild_id, ticket_id, author_id, note) "
               "VALUES ($1, $2, $3, 'B note') RETURNING id", gid, ticket, oid)
    await many("ticket_summaries", "INSERT INTO ticket_summaries (guild_id, ticket_id, summary, similarity_key) "
               "VALUES ($1, $2, 'B summary', 'b-key') RETURNING id", gid, ticket)
    await many("ticket_deflections", "INSERT INTO ticket_deflections (guild_id, user_id, description, outcome) "
               "VALUES ($1, $2, 'B deflection', 'pending') RETURNING id", gid, uid)
    await many("faq_entries", "INSERT INTO faq_entries (guild_id, title, summary, keywords, created_by) VALUES "
               "($1, 'B password reset', 'B answer', ARRAY['password'], $2), "
               "($1, 'B refunds', 'B refunds answer', ARRAY['refund'], $2) RETURNING id", gid, oid)
    await many("faq_proposals", "INSERT INTO faq_proposals (guild_id, similarity_key, title, answer, keywords, status) "
               "VALUES ($1, 'b-key', 'B proposal', 'B proposal answer', ARRAY['b'], 'pending') RETURNING id", gid)
    await many("faq_search_logs", "INSERT INTO faq_search_logs (guild_id, user_id, query, results_count) "
               "VALUES ($1, $2, 'password', 1) RETURNING id", gid, uid)
    await many("reminders", """
        INSERT INTO reminders (guild_id, name, channel_id, time, days, message, created_by, event_time)
        VALUES ($1, 'B standup', $2, '09:00', ARRAY['mon'], 'B reminder text', $3, $4) RETURNING id""",
               gid, cid, oid, now + timedelta(days=30))
    await many("custom_commands", """
        INSERT INTO custom_commands (guild_id, name, trigger_type, trigger_value, response, created_by)
        VALUES ($1, 'hello', 'exact', '!hello', 'B hello', $2), ($1, 'rules', 'exact', '!rules', 'B rules', $2)
        RETURNING id""", gid, oid)
    await many("automod_actions", "INSERT INTO automod_actions (guild_id, action_type, severity, config, created_by) "
               "VALUES ($1, 'delete', 1, '{}'::jsonb, $2) RETURNING id", gid, oid)
    await many("automod_rules", """
        INSERT INTO automod_rules (guild_id, rule_type, name, enabled, config, action_id, created_by)
        VALUES ($1, 'content', 'B words', true, '{"words": ["bword"]}'::jsonb, $2, $3) RETURNING id""",
               gid, ids["automod_actions"][0], oid)
    await many("automod_logs", """
        INSERT INTO automod_logs (guild_id, user_id, message_id, channel_id, rule_id, action_taken, message_content)
        VALUES ($1, $2, 1, $3, $4, 'delete', 'bword') RETURNING id""", gid, uid, cid, ids["automod_rules"][0])
    await many("automod_stats", "INSERT INTO automod_stats (guild_id, rule_id, date, triggers_count) "
               "VALUES ($1, $2, current_date, 3) RETURNING id", gid, ids["automod_rules"][0])
    await many("automod_user_history", "INSERT INTO automod_user_history (guild_id, user_id, rule_type, "
               "violation_count) VALUES ($1, $2, 'content', 2) RETURNING id", gid, uid)
    await many("guild_rules", "INSERT INTO guild_rules (guild_id, rule_order, title, description) "
               "VALUES ($1, 1, 'B be kind', 'B rule text'), ($1, 2, 'B no spam', 'B rule two') RETURNING id", gid)
    await many("guild_onboarding_questions", """
        INSERT INTO guild_onboarding_questions (guild_id, step_order, question, question_type, options, required)
        VALUES ($1, 1, 'B favourite?', 'select', '["a", "b"]'::jsonb, true),
               ($1, 2, 'B email?', 'email', NULL, false) RETURNING id""", gid)
    await many("onboarding", "INSERT INTO onboarding (guild_id, user_id, responses) "
               "VALUES ($1, $2, '{\"1\": \"a\"}'::jsonb) RETURNING 0 AS id", gid, uid)
    await many("bot_settings", "INSERT INTO bot_settings (guild_id, scope, key, value, updated_by) "
               "VALUES ($1, 'system', 'timezone', '\"Europe/Paris\"'::jsonb, $2) RETURNING 0 AS id", gid, oid)
    await many("settings_history", "INSERT INTO settings_history (guild_id, scope, key, old_value, new_value, "
               "changed_by, change_type) VALUES ($1, 'system', 'timezone', '\"UTC\"'::jsonb, "
               "'\"Europe/Paris\"'::jsonb, $2, 'set') RETURNING id", gid, oid)
    await many("engagement_challenges", "INSERT INTO engagement_challenges (guild_id, channel_id, mode, title, active, "
               "started_at, ends_at) VALUES ($1, $2, 'leaderboard', 'B challenge', true, $3, $4) RETURNING id",
               gid, cid, now, now + timedelta(days=7))
    await many("engagement_participants", "INSERT INTO engagement_participants (guild_id, challenge_id, user_id, "
               "message_count) VALUES ($1, $2, $3, 5) RETURNING id", gid, ids["engagement_challenges"][0], uid)
    await many("engagement_og_setup", "INSERT INTO engagement_og_setup (guild_id, message_id, channel_id) "
               "VALUES ($1, 1, $2) RETURNING 0 AS id", gid, cid)
    await many("engagement_og_claims", "INSERT INTO engagement_og_claims (guild_id, user_id) "
               "VALUES ($1, $2) RETURNING 0 AS id", gid, uid)
    await many("engagement_daily_counts", "INSERT INTO engagement_daily_counts (guild_id, user_id, day, messages) "
               "VALUES ($1, $2, current_date, 12) RETURNING 0 AS id", gid, uid)
    await many("engagement_member_totals", "INSERT INTO engagement_member_totals (guild_id, user_id, messages) "
               "VALUES ($1, $2, 12) RETURNING 0 AS id", gid, uid)
    await many("engagement_streaks", "INSERT INTO engagement_streaks (guild_id, user_id, last_day, current_days, "
               "best_days) VALUES ($1, $2, current_date, 3, 4) RETURNING 0 AS id", gid, uid)
    await many("engagement_badges", "INSERT INTO engagement_badges (guild_id, user_id, badge_key) "
               "VALUES ($1, $2, 'og') RETURNING id", gid, uid)
    await many("engagement_weekly_awards", "INSERT INTO engagement_weekly_awards (guild_id, week_start, week_end, "
               "channel_id) VALUES ($1, current_date - 7, current_date, $2) RETURNING id", gid, cid)
    await many("engagement_weekly_results", "INSERT INTO engagement_weekly_results (guild_id, week_id, award_key, "
               "user_id, metric) VALUES ($1, $2, 'chatty', $3, 9) RETURNING id",
               gid, ids["engagement_weekly_awards"][0], uid)
    await many("engagement_weekly_messages", "INSERT INTO engagement_weekly_messages (guild_id, message_id, channel_id,"
               " user_id) VALUES ($1, 2, $2, $3) RETURNING id", gid, cid, uid)
    await many("growth_checkins", "INSERT INTO growth_checkins (guild_id, user_id, goal, obstacle, feeling, style, "
               "reply) VALUES ($1, $2, 'B goal', 'B obstacle', 'ok', 'gentle', 'B reply') RETURNING id", gid, uid)
    await many("premium_subs", "INSERT INTO premium_subs (user_id, guild_id, tier, status, expires_at) "
               "VALUES ($1, $2, 'pro', 'active', $3) RETURNING id", oid, gid, now + timedelta(days=30))
    await many("verification_tickets", "INSERT INTO verification_tickets (guild_id, user_id, channel_id, status) "
               "VALUES ($1, $2, $3, 'pending') RETURNING id", gid, uid, cid)
    await many("timers", "INSERT INTO timers (guild_id, kind, key, due_at, payload) "
               "VALUES ($1, 'b.kind', 'b-key', $2, '{}'::jsonb) RETURNING id", gid, now + timedelta(days=365))
    await many("audit_logs", "INSERT INTO audit_logs (guild_id, user_id, command_name, command_type, success) "
               "VALUES ($1, $2, 'ticket open', 'slash', true) RETURNING id", gid, uid)
    await many("gdpr_acceptance", "INSERT INTO gdpr_acceptance (user_id, guild_id, accepted) "
               "VALUES ($1, $2, 1) RETURNING 0 AS id", uid, gid)
    await many("gpt_usage", "INSERT INTO gpt_usage (user_id, guild_id, usage_date, call_count) "
               "VALUES ($1, $2, current_date, 2) RETURNING 0 AS id", uid, gid)
    await many("ticket_metrics", "INSERT INTO ticket_metrics (guild_id, snapshot, scope, counts) "
               "VALUES ($1, '{}'::jsonb, 'all', '{}'::jsonb) RETURNING id", gid)
    await many("api_keys", "INSERT INTO api_keys (guild_id, name, prefix, key_hash, scope, created_by) "
               "VALUES ($1, 'B dashboard', 'hk_BBBBBBBB', repeat('b', 64), 'write', $2) RETURNING id", gid, oid)
    await many("invite_joins", "INSERT INTO invite_joins (guild_id, user_id, joined_at, how, code, inviter_id, "
               "account_age_seconds) VALUES ($1, $2, $3, 'invite', 'bInvite', $4, 864000) RETURNING id",
               gid, uid, now - timedelta(days=1), oid)
    await many("invite_adjustments", "INSERT INTO invite_adjustments (guild_id, user_id, kind, value, set_by) "
               "VALUES ($1, $2, 'set', 5, $2) RETURNING id", gid, oid)
    await many("invite_tracking", "INSERT INTO invite_tracking (guild_id, since) VALUES ($1, $2) "
               "ON CONFLICT (guild_id) DO UPDATE SET since = excluded.since RETURNING 0 AS id", gid, now)
    await many("points_balances", "INSERT INTO points_balances (guild_id, user_id, balance) VALUES ($1, $2, 70) "
               "RETURNING 0 AS id", gid, uid)
    await many("points_ledger", "INSERT INTO points_ledger (guild_id, user_id, amount, kind, reference, created_at) "
               "VALUES ($1, $2, 100, 'staff', 'b-grant', $3), ($1, $2, -30, 'buy', 'b-buy', $3) RETURNING 0 AS id",
               gid, uid, now)
    await many("points_shop_items", "INSERT INTO points_shop_items (guild_id, name, kind, price, created_by, "
               "created_at) VALUES ($1, 'Shout-out', 'custom', 30, $2, $3) RETURNING id", gid, oid, now)
    await many("points_redeems", "INSERT INTO points_redeems (guild_id, item_id, user_id, item_name, price, "
               "created_at) VALUES ($1, $2, $3, 'Shout-out', 30, $4) RETURNING id",
               gid, ids["points_shop_items"][0], uid, now)
    ids = {table: [i for i in values if i] for table, values in ids.items()}
    other.row_ids = ids
    return other


# --- snapshots ------------------------------------------------------------------------------------------------------


async def guild_tables(hearth: Hearth) -> list[str]:
    """Every table holding guild data: with a guild_id column, or linked to one (LINKED_TABLES)."""
    rows = await hearth.db.fetch(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'guild_id'")
    return sorted({r["table_name"] for r in rows} | set(LINKED_TABLES))


async def whole_database_sql(hearth: Hearth, skip: tuple[str, ...] = ()) -> str:
    """One query returning every row of every table (but ``skip``) as JSON: the whole database in one snapshot."""
    rows = await hearth.db.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' "
        "AND table_name <> 'alembic_version' ORDER BY table_name")
    parts = [f"'{r['table_name']}', (SELECT coalesce(json_agg(row_to_json(t) ORDER BY row_to_json(t)::text), '[]') "
             f"FROM {r['table_name']} t WHERE $1::bigint IS NOT NULL)" for r in rows if r["table_name"] not in skip]
    return _object_sql(parts)


def _object_sql(parts: list[str]) -> str:
    """SELECT one JSON object of the `'table', (rows)` pairs. A function takes at most 100 arguments in PostgreSQL,
    so the pairs are built 40 at a time and the objects joined (jsonb `||`)."""
    chunks = [parts[i:i + 40] for i in range(0, len(parts), 40)] or [[]]
    return "SELECT " + " || ".join(f"jsonb_build_object({', '.join(chunk)})" for chunk in chunks)


async def snapshot_sql(hearth: Hearth) -> str:
    """One query returning every row of one guild ($1), per table, as JSON (one round trip per snapshot)."""
    parts = []
    for table in await guild_tables(hearth):
        where = LINKED_TABLES.get(table, "guild_id = $1")
        parts.append(f"'{table}', (SELECT coalesce(json_agg(row_to_json(t) ORDER BY row_to_json(t)::text), '[]') "
                     f"FROM {table} t WHERE {where})")
    return _object_sql(parts)


async def snapshot(hearth: Hearth, sql: str, guild_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``guild_id``'s data, table by table."""
    value = await hearth.db.fetchval(sql, guild_id)
    return json.loads(value) if isinstance(value, str) else value


def diff(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    """Tables whose rows changed, with the rows that differ (for the failure message)."""
    out = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old != new:
            gone = [r for r in old if r not in new]
            added = [r for r in new if r not in old]
            out.append(f"{table}: removed {gone!r}, added {added!r}")
    return out


# --- strategies -----------------------------------------------------------------------------------------------------


def hostile_texts(other: OtherGuild, home: Any) -> list[str]:
    """Hand-picked nasty strings (tried first), next to the generated ones."""
    b = other
    return [
        "@everyone", "@here", f"<@&{b.role.id}>", f"<@{b.member.id}>", f"<#{b.channel.id}>", f"<@&{home.id}>",
        str(b.guild.id), str(b.channel.id), str(b.role.id), str(b.member.id), *[str(i) for i in b.ids[:6]],
        "'; DROP TABLE support_tickets; --", "' OR '1'='1", "%", "_", "\\", "%' OR guild_id <> 0 --", "$1",
        "**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```", "> quote\n# Heading", "[link](https://x.y)",
        "<t:99999999999999:R>", "<:emoji:123>", "<a:x:1>", "https://", "http://127.0.0.1:1/x.png", "javascript:1",
        "{", "[]", '{"a": ', "null", "-1", "0", "9" * 40, "1e309", "NaN", "-inf", "2026-13-45", "25:99", "99:99",
        "tomorrow at 99pm", "0s", "-5m", "999999999d", "1w" * 50, "(a+)+$", "[", "(?P<x>", "*", "a" * 300,
        "Ω≈ç√∫˜µ≤≥÷", "🙂" * 50, "Z̴̡̛̖͉a̷̗͛l̸̨̈g̸̣̈o̶", "\u202etxt.exe", "\u200b", "ﷺ" * 20, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", "%s%s%n", "../../etc/passwd",
    ]


def text_strategy(param: app_commands.Parameter, nasty: list[str]) -> st.SearchStrategy[str]:
    """Strings Discord could send for ``param``: within its length bounds, trimmed and not empty."""
    lo = max(1, int(param.min_value or 1))
    hi = min(DISCORD_STRING, int(param.max_value or DISCORD_STRING))
    alphabet = st.characters(exclude_categories=("Cs", "Cc"))  # Discord sends neither surrogates nor controls
    generated = st.one_of(
        st.text(alphabet, min_size=1, max_size=40),
        st.builds(lambda s, n: (s * n), st.sampled_from(["a", "é", "🙂", "<@&1>", "' ", "**"]),
                  st.integers(1, hi)),
    )
    picked = st.sampled_from(nasty) | generated
    return picked.map(lambda s: s.strip()[:hi]).filter(lambda s: lo <= len(s) <= hi)


def int_strategy(param: app_commands.Parameter, other: OtherGuild, home_ids: list[int]) -> st.SearchStrategy[int]:
    """Integers within the declared range: the other guild's row ids, edges, and anything else."""
    lo = int(param.min_value) if param.min_value is not None else -DISCORD_INT
    hi = int(param.max_value) if param.max_value is not None else DISCORD_INT
    special = [*other.ids, *home_ids, 0, 1, -1, 2**31 - 1, 2**31, 2**63 - 1, -DISCORD_INT, DISCORD_INT,
               other.guild.id, other.member.id, lo, hi]
    inside = [v for v in special if lo <= v <= hi]
    return (st.sampled_from(inside) if inside else st.nothing()) | st.integers(lo, hi)


def float_strategy(param: app_commands.Parameter) -> st.SearchStrategy[float]:
    """Finite floats within the declared range (JSON carries no NaN or infinity)."""
    lo = float(param.min_value) if param.min_value is not None else -1e300
    hi = float(param.max_value) if param.max_value is not None else 1e300
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


@dataclass
class World:
    """What the strategies pick Discord objects from."""

    users: list[Member | User]
    roles: list[Role]
    channels: list[Channel]
    other: OtherGuild
    home_ids: list[int] = field(default_factory=list)

    def channels_of(self, types: list[discord.ChannelType]) -> list[Channel]:
        """The home guild's channels Discord would offer for an option of ``types`` (any when empty)."""
        wanted = {t.value for t in types}
        return [c for c in self.channels if not wanted or c.type in wanted]


def attachment_strategy(world: World) -> st.SearchStrategy[tuple[str, bytes, str]]:
    """Files: hostile names and types; garbage, JSON pointing at the other guild, huge, empty."""
    b = world.other
    foreign = json.dumps({"guild_id": b.guild.id, "settings": {"system": {"timezone": "Mars/Olympus"}},
                          "tickets": {"category": b.category.id, "staff_role": b.role.id}}).encode()
    # Discord refuses empty files, so every body has at least one byte.
    bodies = st.sampled_from([b"\x00\xff\xfe garbage", b"{", b"[]", b"null", b"{\"version\": 999}", foreign,
                              json.dumps({"settings": {"a" * 200: {"b": "c" * 5000}}}).encode(),
                              b"x" * 300_000]) | st.binary(min_size=1, max_size=200)
    names = st.sampled_from(["config.json", "../../etc/passwd", "a" * 200 + ".json", "🙂.json", "x.exe", "noext"])
    types = st.sampled_from(["application/json", "text/plain", "application/octet-stream", "image/png"])
    return st.tuples(names, bodies, types)


def param_strategy(param: app_commands.Parameter, world: World) -> st.SearchStrategy[Any]:
    """A strategy for one option, from its discord.py type."""
    kind = param.type
    if param.choices:
        return st.sampled_from([c.value for c in param.choices])
    home_role = world.roles[0]
    if kind is discord.AppCommandOptionType.string:
        return text_strategy(param, hostile_texts(world.other, home_role))
    if kind is discord.AppCommandOptionType.integer:
        return int_strategy(param, world.other, world.home_ids)
    if kind is discord.AppCommandOptionType.number:
        return float_strategy(param)
    if kind is discord.AppCommandOptionType.boolean:
        return st.booleans()
    if kind is discord.AppCommandOptionType.user:
        return st.sampled_from(world.users)
    if kind is discord.AppCommandOptionType.role:
        return st.sampled_from(world.roles)
    if kind is discord.AppCommandOptionType.mentionable:
        return st.sampled_from([*world.users, *world.roles])
    if kind is discord.AppCommandOptionType.channel:
        return st.sampled_from(world.channels_of(param.channel_types))
    if kind is discord.AppCommandOptionType.attachment:
        return attachment_strategy(world)
    raise AssertionError(f"no strategy for option type {kind!r} of {param.name}")


def options_strategy(command: app_commands.Command, world: World) -> st.SearchStrategy[dict[str, Any]]:
    """All required options, and any subset of the optional ones."""
    required = {p.display_name: param_strategy(p, world) for p in command.parameters if p.required}
    optional = {p.display_name: param_strategy(p, world) for p in command.parameters if not p.required}
    return st.fixed_dictionaries(required, optional=optional)

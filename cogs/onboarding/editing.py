"""The one code path that changes a guild's onboarding flow (rules, questions, follow-ups, the roles mapped on
options), used by `/config onboarding …` and the dashboard's onboarding editor (through `OnboardingApi.editor`):
the checks of texts, web addresses, options and question types, the limits, the role safety of a role mapping (a
member cannot make the bot give a role they could not give themselves, and whoever changes a question's mapping
answers for all its roles), the rows and the log lines.

Every change is made AS a member with Manage Server (the rule of `/config`, checked here again for every caller).
Refusals are `BadInput`/`UserFacingError` with the human reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

import discord

from cogs.onboarding import repo
from cogs.onboarding.flow import (
    CHOICE_TYPES,
    FlowError,
    Question,
    Rule,
    check_question,
    keep_roles,
    next_followup_id,
    parse_options,
)
from core.guild_kit import require_manage_server
from core.role_safety import check_role_grant, role_refusal
from utils.errors import BadInput, UserFacingError

log = logging.getLogger(__name__)
CHANGED = "Onboarding is changed"  # the refusal's subject: "… by members with Manage Server"
URL = re.compile(r"^https?://\S{1,500}$")
CLEAR = "-"
MAX_RULES = 25
MAX_QUESTIONS = 25
MAX_FOLLOWUPS = 5
LIST_HINT = "/config onboarding list"


def parse_url(value: str | None, name: str) -> str | None:
    """An image address option (None or `-`: none)."""
    if value is None or value == CLEAR:
        return None
    if not URL.match(value):
        raise BadInput(f"`{name}` must be a web address starting with https:// (or `-` to remove it).",
                       example=f"{name}:https://example.org/picture.png")
    return value


def options_of(text: str | None) -> list[dict[str, Any]] | None:
    """The options typed as `Gaming, Art & Design=art` (None when not given)."""
    if text is None:
        return None
    try:
        return parse_options(text)
    except FlowError as exc:
        raise BadInput(str(exc), example="options:Gaming, Art & Design=art, Music") from None


def checked(question_type: str, options: list[dict[str, Any]] | None) -> None:
    """A question's type and options fit together."""
    try:
        check_question(question_type, options)
    except FlowError as exc:
        raise BadInput(str(exc), example="/config onboarding question_add text:What brings you here? type:select "
                                         "options:Gaming, Art, Music") from None


def _length(text: str, what: str, most: int) -> str:
    if not 1 <= len(text) <= most:
        raise BadInput(f"The {what} must be 1 to {most} characters (it is {len(text)}).")
    return text


def check_question_roles(member: discord.Member, q: Question) -> None:
    """Role safety for every role mapped on `q`, with `member` as the setter."""
    guild = member.guild
    for role_id in q.mapped_role_ids():
        role = guild.get_role(role_id)
        if role is None:
            continue  # a deleted role is never given
        refusal = role_refusal(role, member, guild.me)
        if refusal is not None:
            raise BadInput(f"Q{q.id} also gives {role.mention}, and the member who changes a question's role "
                           f"mapping answers for all its roles: {refusal.reason}")


class OnboardingEditor:
    """Rules and questions of every guild's onboarding, changed as a member."""

    def __init__(self, cog: Any) -> None:
        self._cog = cog

    @property
    def _pool(self) -> Any:
        return self._cog.pool

    async def rules(self, guild_id: int) -> list[Rule]:
        """The guild's rules, in order."""
        return await repo.rules(self._pool, guild_id)

    async def questions(self, guild_id: int) -> list[Question]:
        """The guild's questions, in order."""
        return await repo.questions(self._pool, guild_id)

    async def rule(self, guild_id: int, rule_id: int) -> Rule:
        """One rule of this guild, or the refusal naming it."""
        found = await repo.rule(self._pool, guild_id, rule_id)
        if found is None:
            raise BadInput(f"There is no rule R{rule_id} on this server.", example=LIST_HINT)
        return found

    async def question(self, guild_id: int, question_id: int) -> Question:
        """One question of this guild, or the refusal naming it."""
        found = await repo.question(self._pool, guild_id, question_id)
        if found is None:
            raise BadInput(f"There is no question Q{question_id} on this server.", example=LIST_HINT)
        return found

    async def _save_question(self, guild_id: int, q: Question, **changes: Any) -> Question:
        values = {"text": q.text, "question_type": q.type, "options": q.options, "followups": q.followups,
                  "required": q.required, "enabled": q.enabled, **changes}
        saved = await repo.update_question(self._pool, guild_id, q.id, **values)  # type: ignore[arg-type]
        if saved is None:
            raise BadInput(f"Question Q{q.id} was deleted meanwhile.")
        return saved

    def _did(self, member: discord.Member, what: str) -> None:
        log.info("Guild %s: onboarding %s by %s", member.guild.id, what, member.id)

    # --- rules ---------------------------------------------------------------------------------------

    async def add_rule(self, member: discord.Member, title: str, description: str, thumbnail: str | None = None,
                       image: str | None = None) -> Rule:
        """A new rule, shown last."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        _length(title, "title", 256)
        _length(description, "description", 4000)
        if len(await repo.rules(self._pool, guild_id)) >= MAX_RULES:
            raise UserFacingError(f"A server can have at most {MAX_RULES} onboarding rules.")
        rule = await repo.add_rule(self._pool, guild_id, title, description, parse_url(thumbnail, "thumbnail"),
                                   parse_url(image, "image"))
        self._did(member, f"rule R{rule.id} added")
        return rule

    async def edit_rule(self, member: discord.Member, rule_id: int, title: str | None = None,
                        description: str | None = None, thumbnail: str | None = None,
                        image: str | None = None) -> Rule:
        """Change what is given of a rule (`-` removes an image)."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        current = await self.rule(guild_id, rule_id)
        if title is None and description is None and thumbnail is None and image is None:
            raise BadInput("Give at least one thing to change.", example=f"/config onboarding rule_edit rule:{rule_id} "
                                                                         "title:Be kind")
        saved = await repo.update_rule(
            self._pool, guild_id, rule_id, _length(title, "title", 256) if title is not None else current.title,
            _length(description, "description", 4000) if description is not None else current.description,
            current.thumbnail_url if thumbnail is None else parse_url(thumbnail, "thumbnail"),
            current.image_url if image is None else parse_url(image, "image"), current.enabled)
        if saved is None:
            raise BadInput(f"Rule R{rule_id} was deleted meanwhile.")
        self._did(member, f"rule R{rule_id} edited")
        return saved

    async def delete_rule(self, member: discord.Member, rule_id: int) -> Rule:
        """Delete a rule; what it was."""
        require_manage_server(member, CHANGED)
        found = await self.rule(member.guild.id, rule_id)
        await repo.delete_rule(self._pool, member.guild.id, rule_id)
        self._did(member, f"rule R{rule_id} deleted")
        return found

    async def enable_rule(self, member: discord.Member, rule_id: int, enabled: bool) -> Rule:
        """Show or hide a rule."""
        require_manage_server(member, CHANGED)
        r = await self.rule(member.guild.id, rule_id)
        await repo.update_rule(self._pool, member.guild.id, rule_id, r.title, r.description, r.thumbnail_url,
                               r.image_url, enabled)
        self._did(member, f"rule R{rule_id} {'enabled' if enabled else 'disabled'}")
        return r

    async def move(self, member: discord.Member, kind: str, item_id: int, position: int) -> int:
        """Move a rule (`kind` "rules") or question ("questions") to `position` (1 = first); where it landed."""
        require_manage_server(member, CHANGED)
        guild_id = member.guild.id
        if kind == "rules":
            await self.rule(guild_id, item_id)
        else:
            await self.question(guild_id, item_id)
        async with self._pool.acquire() as conn, conn.transaction():
            items = await (repo.rules(conn, guild_id) if kind == "rules" else repo.questions(conn, guild_id))
            ids = [item.id for item in items]
            ids.remove(item_id)
            position = max(1, min(position, len(ids) + 1))
            ids.insert(position - 1, item_id)
            await repo.set_order(conn, guild_id, kind, ids)  # type: ignore[arg-type]
        self._did(member, f"{kind} {item_id} moved to {position}")
        return position

    # --- questions -----------------------------------------------------------------------------------

    async def add_question(self, member: discord.Member, text: str, type: str, options: str | None = None,
                           required: bool = True) -> Question:
        """A new question, asked last."""
        require_manage_server(member, CHANGED)
        _length(text, "question", 256)
        parsed = options_of(options)
        checked(type, parsed)
        if len(await repo.questions(self._pool, member.guild.id)) >= MAX_QUESTIONS:
            raise UserFacingError(f"A server can have at most {MAX_QUESTIONS} onboarding questions.")
        q = await repo.add_question(self._pool, member.guild.id, text, type, parsed, required)
        self._did(member, f"question Q{q.id} added")
        return q

    async def edit_question(self, member: discord.Member, question_id: int, text: str | None = None,
                            type: str | None = None, options: str | None = None,
                            required: bool | None = None) -> Question:
        """Change what is given of a question (new options keep the roles of options with the same value)."""
        require_manage_server(member, CHANGED)
        q = await self.question(member.guild.id, question_id)
        if text is not None:
            _length(text, "question", 256)
        new_type = type or q.type
        parsed = options_of(options)
        new_options = (keep_roles(q.options, parsed) if parsed is not None
                       else q.options if new_type in CHOICE_TYPES else [])
        checked(new_type, new_options)
        saved = await self._save_question(member.guild.id, q, text=text or q.text, question_type=new_type,
                                          options=new_options, followups=q.followups if new_type in CHOICE_TYPES
                                          else [], required=q.required if required is None else required)
        self._did(member, f"question Q{question_id} edited")
        return saved

    async def delete_question(self, member: discord.Member, question_id: int) -> Question:
        """Delete a question (members' answers stay in exports); what it was."""
        require_manage_server(member, CHANGED)
        q = await self.question(member.guild.id, question_id)
        await repo.delete_question(self._pool, member.guild.id, question_id)
        self._did(member, f"question Q{question_id} deleted")
        return q

    async def enable_question(self, member: discord.Member, question_id: int, enabled: bool) -> Question:
        """Ask or stop asking a question."""
        require_manage_server(member, CHANGED)
        q = await self.question(member.guild.id, question_id)
        saved = await self._save_question(member.guild.id, q, enabled=enabled)
        self._did(member, f"question Q{question_id} {'enabled' if enabled else 'disabled'}")
        return saved

    async def add_followup(self, member: discord.Member, question_id: int, when: str, text: str, type: str,
                           options: str | None = None, required: bool = True) -> tuple[Question, str]:
        """A question asked only after the option `when` of a choice question; (the question, the follow-up id)."""
        require_manage_server(member, CHANGED)
        q = await self.question(member.guild.id, question_id)
        _length(text, "follow-up question", 256)
        if q.type not in CHOICE_TYPES:
            raise BadInput("Follow-ups hang under a select or multiselect question: they appear for one option.")
        if q.option(when) is None:
            values = ", ".join(f"`{o['value']}`" for o in q.options)
            raise BadInput(f"Q{question_id} has no option with the value `{when}`. Its values: {values}.",
                           example=f"/config onboarding followup_add question:{question_id} "
                                   f"when:{q.options[0]['value']}")
        if len(q.followups) >= MAX_FOLLOWUPS:
            raise UserFacingError(f"A question can have at most {MAX_FOLLOWUPS} follow-ups.")
        parsed = options_of(options)
        checked(type, parsed)
        followup = {"id": next_followup_id(q.followups), "when": when, "question": text, "question_type": type,
                    "options": parsed or [], "required": required}
        saved = await self._save_question(member.guild.id, q, followups=[*q.followups, followup])
        self._did(member, f"follow-up {question_id}.{followup['id']} added")
        return saved, followup["id"]

    async def remove_followup(self, member: discord.Member, question_id: int, followup: str) -> None:
        """Remove a follow-up question."""
        require_manage_server(member, CHANGED)
        q = await self.question(member.guild.id, question_id)
        kept = [f for f in q.followups if f.get("id") != followup]
        if len(kept) == len(q.followups):
            raise BadInput(f"Q{question_id} has no follow-up `{followup}`.", example=LIST_HINT)
        await self._save_question(member.guild.id, q, followups=kept)
        self._did(member, f"follow-up {question_id}.{followup} removed")

    async def map_role(self, member: discord.Member, question_id: int, option: str, role: discord.Role | None,
                       followup: str | None = None) -> None:
        """Give `role` to members who choose `option` (None: unmap), under the role safety of `member`."""
        require_manage_server(member, CHANGED)
        q = await self.question(member.guild.id, question_id)
        target_options = q.options
        if followup is not None:
            target = next((f for f in q.followups if f.get("id") == followup), None)
            if target is None:
                raise BadInput(f"Q{question_id} has no follow-up `{followup}`.", example=LIST_HINT)
            target_options = list(target.get("options") or [])
        if not any(o["value"] == option for o in target_options):
            values = ", ".join(f"`{o['value']}`" for o in target_options) or "none"
            raise BadInput(f"There is no option with the value `{option}` there. Values: {values}.")
        if role is not None:  # the bot gives it: the role-safety check, with this member as the setter
            check_role_grant(role, member, member.guild.me)
        new_options = [{**{k: v for k, v in o.items() if k != "role_id"},
                        **({"role_id": role.id} if role is not None else {})} if o["value"] == option else o
                       for o in target_options]
        if followup is None:
            changes: dict[str, Any] = {"options": new_options}
        else:
            changes = {"followups": [{**f, "options": new_options} if f.get("id") == followup else f
                                     for f in q.followups]}
        if role is not None:
            # Every role of the question is given on behalf of whoever changed its mapping last: that member must
            # be allowed to hand out all of them, not only the new one.
            check_question_roles(member, replace(q, **changes))
            changes["role_map_by"] = member.id
        await self._save_question(member.guild.id, q, **changes)
        self._did(member, f"role mapping of Q{question_id} {option} changed")

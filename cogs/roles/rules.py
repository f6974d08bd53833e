"""A menu's rules, as a pure function: given the menu, the roles a member holds and what they picked, which roles
to give and take, and what to tell them about the rest. No Discord calls, no SQL: the menu service applies the
plan (after role safety has its say on each role to give)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from cogs.roles.models import Menu


@dataclass
class Plan:
    """What a pick does: roles to give, roles to take, and sentences for the member about what it does not do."""

    add: list[int] = field(default_factory=list)
    remove: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _role(role_id: int) -> str:
    return f"<@&{role_id}>"


def plan(menu: Menu, held: Collection[int], picked: Iterable[int]) -> Plan:
    """What picking `picked` (a button: one role; a select: one or more) does for a member holding `held`."""
    result = Plan()
    offered = menu.role_ids
    wanted: list[int] = []
    for role_id in dict.fromkeys(picked):
        if role_id in offered:
            wanted.append(role_id)
        else:
            result.notes.append(f"{_role(role_id)} is no longer part of this menu.")
    mode = menu.mode
    if mode == "verify":
        for role_id in wanted:
            if role_id in held:
                result.notes.append(f"You already have {_role(role_id)} (roles of this menu can't be dropped).")
            else:
                result.add.append(role_id)
    elif mode == "drop":
        for role_id in wanted:
            if role_id in held:
                result.remove.append(role_id)
            else:
                result.notes.append(f"You don't have {_role(role_id)} (roles of this menu can only be dropped).")
    elif mode == "unique":
        if wanted:
            choice = wanted[0]
            if choice in held:
                result.remove.append(choice)
            else:
                result.add.append(choice)
                result.remove += [role_id for role_id in offered if role_id in held and role_id != choice]
    else:  # normal, temporary, limit: each pick toggles
        result.remove = [role_id for role_id in wanted if role_id in held]
        adding = [role_id for role_id in wanted if role_id not in held]
        if mode == "limit" and menu.max_roles is not None:
            keeping = sum(1 for role_id in offered if role_id in held) - len(result.remove)
            room = max(0, menu.max_roles - keeping)
            adding, refused = adding[:room], adding[room:]
            if refused:
                result.notes.append(f"You can have at most {menu.max_roles} role(s) of this menu, so I didn't give "
                                    f"you {', '.join(_role(r) for r in refused)}: drop one of yours first.")
        result.add = adding
    return result

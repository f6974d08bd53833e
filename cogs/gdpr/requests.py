"""Data requests of a member, from `/export_my_data` and `/delete_my_data` or from the dashboard's member page:
both go through `DataRequests`, so they share the per-member limit (REQUEST_COOLDOWN, counted only when the work
happened), the export document, the erasure and its summary, and the record of the request (`gdpr_requests`) that
the member page lists.

An erasure deletes the member's earlier request records with everything else, then records itself (when, from
where, and its outcome): the one trace left, so the member can see that the erasure happened."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cogs.gdpr import repo
from core.gdpr import Erasure, erase_everything, export_everything
from utils.cooldowns import Cooldown

REQUEST_COOLDOWN = 600.0  # seconds between two exports (or two erasures) of one member
KINDS = {"export": "Data export", "erasure": "Data erasure"}
VIAS = {"command": "slash command", "dashboard": "dashboard"}
SHOWN_REQUESTS = 20


@dataclass(frozen=True)
class DataExport:
    """An export: the JSON document and the parts that could not be read (try again later)."""

    payload: bytes
    missing: list[str]


@dataclass(frozen=True)
class PastRequest:
    """One data request as the member sees it."""

    kind: str  # export | erasure
    via: str  # command | dashboard
    requested_at: datetime
    outcome: str

    @property
    def label(self) -> str:
        """"Data export" / "Data erasure"."""
        return KINDS.get(self.kind, self.kind)

    @property
    def where(self) -> str:
        """Where it was asked from, in words."""
        return VIAS.get(self.via, self.via)


class DataRequests:
    """Exports and erasures of a member's data, limited per member and recorded."""

    def __init__(self, bot: Any, pool: Any) -> None:
        self.bot = bot
        self.pool = pool
        # Per member, across servers (a data request covers every server); in memory, per process.
        self.export_cooldown = Cooldown(1, REQUEST_COOLDOWN, bot.clock, what="data exports")
        self.erase_cooldown = Cooldown(1, REQUEST_COOLDOWN, bot.clock, what="data erasures")

    async def export(self, user_id: int, via: str, *,
                     before: Callable[[], Awaitable[None]] | None = None) -> DataExport:
        """Everything every feature holds about the user as JSON; raises `OnCooldown` when asked too often
        (`before` runs once the request is accepted: a slash command defers there). A failed export is not
        counted."""
        with self.export_cooldown.counting(user_id):
            if before is not None:
                await before()
            data, missing = await export_everything(self.bot, self.pool, user_id)
        now = self.bot.clock.now()
        document = {"user_id": user_id, "exported_at": now.isoformat(), "incomplete_parts": missing, "data": data}
        payload = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()
        outcome = f"incomplete: {', '.join(missing)} missing" if missing else "done"
        await repo.record_request(self.pool, user_id, "export", via, now, outcome)
        return DataExport(payload, missing)

    def erase_wait(self, user_id: int) -> float:
        """Seconds before the user may erase again (0: now); says so before they confirm."""
        return self.erase_cooldown.retry_after(user_id)

    async def erase(self, user_id: int, via: str, *, before: Callable[[], Awaitable[None]] | None = None) -> Erasure:
        """Erase everything about the user (after their confirmation); raises `OnCooldown` when asked too often.
        Nothing erased (the transaction failed) gives the use back."""
        with self.erase_cooldown.counting(user_id):  # counted here: another prompt's confirm may have run
            if before is not None:
                await before()
            result = await erase_everything(self.bot, self.pool, user_id)
        if not result.committed:
            self.erase_cooldown.refund(user_id)  # nothing happened: they may try again at once
            outcome = "failed: nothing was erased"
        elif result.not_erased:
            outcome = "done, except: " + "; ".join(result.not_erased)
        else:
            outcome = "done"
        await repo.record_request(self.pool, user_id, "erasure", via, self.bot.clock.now(), outcome)
        return result

    async def past(self, user_id: int) -> list[PastRequest]:
        """The user's latest data requests, newest first."""
        rows = await repo.requests_of(self.pool, user_id, SHOWN_REQUESTS)
        return [PastRequest(r["kind"], r["via"], r["requested_at"], r["outcome"]) for r in rows]


def erasure_summary(result: Erasure) -> str:
    """What was deleted, anonymised and kept (and why), and exactly what was not erased, for the member."""
    if not result.committed:
        return ("⚠️ **Nothing was erased.** " + "; ".join(result.not_erased)
                + ". Try again in a few minutes; if it keeps failing, tell the server's staff.")
    report = result.report
    if result.not_erased:
        lines = ["⚠️ **Your data was erased, except what is listed under Not erased.**"]
        lines += [f"⚠️ Not erased: {problem}" for problem in result.not_erased]
    else:
        lines = ["🗑️ **Your data was erased.**"]
    deleted = {t: n for t, n in report.deleted.items() if n}
    anonymised = {t: n for t, n in report.anonymised.items() if n}
    if deleted:
        lines.append("Deleted: " + ", ".join(f"{n} from {t}" for t, n in sorted(deleted.items())))
    if anonymised:
        lines.append("Kept without your name (they belong to the server): "
                     + ", ".join(f"{n} in {t}" for t, n in sorted(anonymised.items())))
    if not deleted and not anonymised:
        lines.append("There was nothing to delete.")
    for table, reason in sorted(report.kept.items()):
        lines.append(f"Kept: {table}: {reason}")
    return "\n".join(lines)[:1900]

"""The points desk: the default guild with a staff log for shop requests (`points.log_channel`), a VIP role to sell,
the clock a month after the members joined (old enough to /give), and shortcuts to grant, sell, buy and read the
ledger."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cogs.points import repo
from tests.hearth_harness import Hearth
from tests.kit.desks import FeatureDesk
from tests.standin.interactions import InteractionResult
from tests.standin.models import Channel, Member, Role
from utils.errors import UserFacingError

# Every account's balance against the sum of its ledger rows, and the guild's ledger against its balances (rows
# of erased members are anonymised, each of their accounts closed to zero by an `erasure` row).
BROKEN_ACCOUNTS = """
    SELECT coalesce(b.user_id, l.user_id) AS user_id, b.balance, l.total
    FROM (SELECT user_id, balance FROM points_balances WHERE guild_id = $1) b
    FULL JOIN (SELECT user_id, sum(amount) AS total FROM points_ledger WHERE guild_id = $1 AND user_id IS NOT NULL
               GROUP BY user_id) l ON l.user_id = b.user_id
    WHERE coalesce(b.balance, 0) <> coalesce(l.total, 0)
"""
GUILD_TOTALS = """
    SELECT (SELECT coalesce(sum(amount), 0) FROM points_ledger WHERE guild_id = $1) AS ledger,
           (SELECT coalesce(sum(balance), 0) FROM points_balances WHERE guild_id = $1) AS balances
"""


@dataclass
class PointsDesk(FeatureDesk):
    """The harness plus the staff log, the VIP role and shortcuts."""

    logs: Channel
    vip: Role

    @property
    def cog(self) -> Any:
        """The running points cog."""
        return self.hearth.bot.get_cog("Points")

    async def grant(self, member: Member, amount: int, reason: str = "Seed") -> InteractionResult:
        """Give `member` points as the owner did with /points give."""
        result = await self.d.slash("points give", user=self.owner, guild=self.server, options={"member": member},
                                    amount=amount, reason=reason)
        assert result.text.startswith("✅"), result.text
        return result

    async def sell(self, name: str, price: int, kind: str = "custom", *, by: Member | None = None,
                   **options: Any) -> InteractionResult:
        """Add a shop item as `by` (the owner) did with /shop add."""
        return await self.d.slash("shop add", user=by or self.owner, guild=self.server,
                                  options={"name": name, "price": price, "kind": kind, **options})

    async def buy(self, member: Member, item: str, *, settle: bool = True, **options: Any) -> InteractionResult:
        """`member` runs /buy."""
        return await self.d.slash("buy", user=member, guild=self.server, item=item, settle=settle, **options)

    async def buy_at_once(self, *purchases: tuple[Member, str]) -> list[InteractionResult]:
        """Several /buy sent together (each INTERACTION_CREATE out before the bot answers any), then their answers."""
        sent = [await self.buy(member, item, settle=False) for member, item in purchases]
        await asyncio.gather(*(result.wait(_answered) for result in sent))
        await self.d.settle()
        return sent

    async def balance(self, member: Member) -> int:
        """The member's balance as stored."""
        return await repo.balance(self.db, self.server.id, member.id)

    async def ledger(self, member: Member) -> list[tuple[int, str]]:
        """(amount, kind) of the member's ledger rows, oldest first."""
        rows = await self.db.fetch("SELECT amount, kind FROM points_ledger WHERE guild_id = $1 AND user_id = $2 "
                                   "ORDER BY id", self.server.id, member.id)
        return [(r["amount"], r["kind"]) for r in rows]

    async def broken_accounts(self, guild_id: int | None = None) -> list[tuple[Any, ...]]:
        """Accounts whose balance is not the sum of their ledger, plus the guild's totals when they differ."""
        gid = guild_id or self.server.id
        broken = [tuple(r) for r in await self.db.fetch(BROKEN_ACCOUNTS, gid)]
        totals = await self.db.fetchrow(GUILD_TOTALS, gid)
        if totals["ledger"] != totals["balances"]:
            broken.append(("guild", totals["balances"], totals["ledger"]))
        return broken

    def requests_in_log(self) -> list[Any]:
        """The shop requests posted to the staff log, oldest first."""
        return [m for m in self.d.messages_in(self.logs) if m.embeds and "Shop request" in m.embeds[0]["title"]]


def _answered(result: InteractionResult) -> bool:
    """Answered for good: a message, or a "thinking" defer followed up."""
    return result.responded and not (result.response_type == 5 and not (result.followup_ids or result.edits))


def a_month_after_joining() -> datetime:
    """A clock time when the default guild's members (created now, in real time) are a month old."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)


async def points_desk(hearth: Hearth) -> PointsDesk:
    """The desk: #shop-requests as `points.log_channel`, a VIP role below the bot, the clock a month on."""
    hearth.clock.set(a_month_after_joining())
    hearth.discord.ignore_errors(UserFacingError)  # refusals are answers: the tests read them
    server = hearth.guild.guild
    logs = server.add_text_channel("shop-requests")
    vip = server.add_role("VIP", [])
    await hearth.discord.settle()
    desk = PointsDesk(hearth, logs, vip)
    await desk.setting("points", "log_channel", logs.id)
    return desk

"""Changes made on the dashboard are recorded by the audit tracker like commands (`dashboard settings`,
`dashboard modules`, `dashboard permissions`), through its public API; nothing when the audit cog is not loaded."""

from __future__ import annotations

from typing import Any

from cogs.audit.api import AuditApi


def record_change(bot: Any, member: Any, page: str) -> None:
    """Record that `member` changed something on the dashboard's `page` of their server."""
    audit = bot.apis.get(AuditApi)
    if audit is not None:
        audit.record_web_change(member.guild.id, member.id, page)

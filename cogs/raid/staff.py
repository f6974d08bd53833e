"""Who raid protection treats as staff: who may read `/raid status`, and whose mentions never count towards a
mention wave (staff ping people as part of their job)."""

from __future__ import annotations

from core.guild_kit import GUILD, StaffRule
from core.settings_registry import SYSTEM_STAFF_ROLE

# Administrator, Manage Server or Timeout Members anywhere on the server, or the staff role.
STAFF = StaffRule(permissions=("administrator", "manage_guild", "moderate_members"), where=GUILD,
                  roles=(SYSTEM_STAFF_ROLE,))

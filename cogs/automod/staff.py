"""Who automod treats as staff: the members it never acts on, and the moderators who decide appeals."""

from __future__ import annotations

from core.guild_kit import CHANNEL, GUILD, StaffRule
from core.settings_registry import SYSTEM_STAFF_ROLE

# Never acted on: Administrator, Manage Server or Timeout Members anywhere on the server, or the staff role.
EXEMPT = StaffRule(permissions=("administrator", "manage_guild", "moderate_members"), where=GUILD,
                   roles=(SYSTEM_STAFF_ROLE,))
# Decide appeals (Approve / Deny in the log channel): the same permissions where the button was clicked, or the
# staff role.
MODERATORS = StaffRule(permissions=("moderate_members", "manage_guild", "administrator"), where=CHANNEL,
                       roles=(SYSTEM_STAFF_ROLE,))

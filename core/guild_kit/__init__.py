"""The guild kit: what every moderation-style feature does on a server, written once.

- `staff`: who is staff for a feature — one declared `StaffRule` per feature, checked by `is_staff` (or by the
  command check `staff_only`); `require_manage_server`, the rule of `/config` that features' editors check again;
- `private_channels`: a feature's private channels — overwrites per party, the permissions the bot needs, the
  category with its 50-channel overflow, rollback when the channel can't be made;
- `log`: posting to the guild's log channel (the feature's own, else the system one) with `post_to_log`;
- `appeal_form`: the form an Appeal button opens (`AppealForm`).

Features import from here (`from core.guild_kit import is_staff, post_to_log`); the modules are the kit's inside.
"""

from core.guild_kit.appeal_form import APPEAL_REASON_MAX, AppealForm
from core.guild_kit.log import GuildLogBot, find_log_channel, post_to_log
from core.guild_kit.private_channels import (
    CATEGORY_LIMIT,
    HIDDEN,
    Placement,
    PrivateChannelKind,
    has_room,
    is_category_full,
)
from core.guild_kit.staff import (
    ANY,
    CHANNEL,
    FIRST_SET,
    GUILD,
    StaffRule,
    is_staff,
    require_manage_server,
    staff_check,
    staff_only,
    staff_roles,
)

__all__ = [
    "ANY", "APPEAL_REASON_MAX", "CATEGORY_LIMIT", "CHANNEL", "FIRST_SET", "GUILD", "HIDDEN", "AppealForm",
    "GuildLogBot", "Placement", "PrivateChannelKind", "StaffRule", "find_log_channel", "has_room", "is_category_full",
    "is_staff", "post_to_log", "require_manage_server", "staff_check", "staff_only", "staff_roles",
]

"""The tables the shared layer (core/ and utils/) owns alone (created in migrations/versions): no feature's SQL
names them; features reach this data through the shared services (settings, timers, pseudonyms).

The kernel's own: settings and their history (core/guild_settings.py), the timers service (core/timers/), the
installation's secrets (core/pseudonyms.py, in the shared layer under core), command permission rules and cooldowns
(core/command_rules.py)."""

TABLES: tuple[str, ...] = (
    "bot_settings",
    "settings_history",
    "timers",
    "installation_secrets",
    "command_rules",
    "command_cooldowns",
)

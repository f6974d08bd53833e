"""The tables the moderation cog owns alone (created in migrations/versions/0015_moderation.py,
0016_channel_locks.py and 0018_case_appeals.py): no other feature's SQL names them; automod and others record
cases through `core.case_log.CaseRecorder` (implemented in cogs/moderation/api.py)."""

TABLES: tuple[str, ...] = (
    "moderation_case_counters",
    "moderation_cases",
    "moderation_case_edits",
    "moderation_notes",
    "moderation_channel_locks",
    "moderation_appeals",
)

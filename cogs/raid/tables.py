"""The tables the raid protection cog owns alone (created in migrations/versions/0020_raid.py): no other feature's
SQL names them; its cases go to the one case log through `core.case_log.CaseRecorder`."""

TABLES: tuple[str, ...] = (
    "raid_incidents",
    "raid_members",
)

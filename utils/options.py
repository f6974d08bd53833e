"""Option types shared by the cogs' slash commands.

Discord enforces an option's declared bounds before the bot sees the interaction (the member gets Discord's own
"must be between" hint), so declaring them is the first line of validation.
"""

from __future__ import annotations

from discord import app_commands

# Rows are numbered by PostgreSQL `serial` (int4) columns: a larger number can name no row, and asyncpg refuses to
# send it (an internal error instead of "not found"), so the option itself stops at int4's maximum.
ROW_ID_MAX = 2_147_483_647
RowId = app_commands.Range[int, 1, ROW_ID_MAX]

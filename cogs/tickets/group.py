"""The `/ticket` command group, shared by the cog (cog.py) and its command mixins (category_commands.py, …)."""

from discord import app_commands

TICKET = app_commands.Group(name="ticket", description="Support tickets", guild_only=True)

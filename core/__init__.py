"""The kernel and shared services under the cogs: the bot, its cog base, settings, timers, notify, the
message pipeline, channel access, the guild kit and the HTTP API. Leaf helpers live in `utils/`."""

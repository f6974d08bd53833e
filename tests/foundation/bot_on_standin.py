"""Run `bot.py` as its own process against the Discord stand-in at $STANDIN_URL (used by the shutdown tests).

Only the two addresses discord.py talks to are changed; everything else is the real `bot.main()`.
With HEARTH_TEST_HOLD_BUFFERS set, the audit and engagement buffers are not written before shutdown.
"""

import os
import sys
from pathlib import Path

import discord.gateway
import discord.http
import yarl

ROOT = Path(__file__).resolve().parents[2]

if __name__ == "__main__":
    base = os.environ["STANDIN_URL"]
    discord.http.Route.BASE = f"{base}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(base.replace("http://", "ws://") + "/gateway/")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if os.environ.get("HEARTH_TEST_HOLD_BUFFERS"):
        # Buffers are written only at shutdown, so a test knows they are still in memory when it sends SIGTERM.
        import cogs.audit.cog
        import cogs.engagement.cog

        cogs.audit.cog.FLUSH_INTERVAL = cogs.engagement.cog.FLUSH_INTERVAL = 3600.0
    import bot

    sys.exit(bot.main(sys.argv[1:]))

"""With the database down, commands answer with a clear message in time (the stand-in rejects answers later
than Discord's 3-second window), and work again once it is back."""

from __future__ import annotations

from tests.hearth_harness import bot_factory
from utils.clock import ManualClock


async def test_commands_answer_while_the_database_is_down(standin, default_guild, outage_db, clean_db) -> None:
    g = default_guild
    bot = await standin.connect(bot_factory(outage_db.url, ManualClock())(db_acquire_timeout=2.0))
    try:
        ok = await standin.slash("config get", user=g.admin, guild=g.guild, scope="system", key="timezone")
        assert "UTC" in ok.text
        bot.guild_settings.invalidate()  # force a database read
        await outage_db.stop()
        try:
            with standin.expect_errors(OSError):  # the command fails; the user is told, the log has the cause
                down = await standin.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                           value="Asia/Tokyo")
        finally:
            await outage_db.start()
        assert down.responded and down.ephemeral
        assert down.text == "The bot's database is temporarily unavailable. Please try again in a minute."
        again = await standin.slash("config set", user=g.admin, guild=g.guild, scope="system", key="timezone",
                                    value="Asia/Tokyo")
        assert "→ `Asia/Tokyo`" in again.text
    finally:
        await standin.disconnect(bot)

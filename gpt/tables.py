"""The tables the LLM layer (gpt/) owns alone (created in migrations/versions): no feature's SQL names them;
features reach this data through the layer's services (gpt/service.py, gpt/quota.py).

The LLM layer's usage counters (gpt/repo.py); the ai cog's GDPR module answers for them through gpt/gdpr.py."""

TABLES: tuple[str, ...] = (
    "gpt_usage",
    "gpt_guild_usage",
    "gpt_usage_erased",
)

"""The LLM layer: one OpenAI-compatible client, prompts, per-tier daily quotas, context shaping, health probe.

Modules (gpt imports core/ and utils/, never a cog: who has premium is passed in by the caller):

- `gpt.service`: `LLMService`, what cogs call (`ask`, `ask_json`, `ensure_ready`, `status`).
- `gpt.client`: the `openai.AsyncOpenAI` wrapper (`LLMClient`, `Provider`, `LLMError`).
- `gpt.quota`: `check_and_increment_gpt_quota`, `refund_gpt_quota`, `cleanup_old_usage`, tier limits (every
  tier finite; yearly/lifetime at the fair-use ceiling), and the guild budget of background calls
  (`charge_guild_budget`, `claim_budget_notice`, `cleanup_old_guild_usage`).
- `gpt.cooldown`: `llm_cooldown`, a per-member cooldown use that is given back when the LLM refused or failed.
- `gpt.prompts`: the shared prompt parts and the prompts of features without their own.
  `gpt.json_output`: reading JSON answers. `gpt.context`: a member's reflections
  (read through the companion's API by the caller) as prompt lines.
- `gpt.probe`: `LLMProbe` for `/api/health`. `gpt.settings`: the `gpt` settings scope. `gpt.errors`: what users see.
- `gpt.repo`: the SQL.
"""

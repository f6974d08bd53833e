"""Per-member cooldowns on LLM features: one use is counted for the call and given back when the LLM refused
or failed, so a member who met an outage or a full quota may try again at once.

```python
with llm_cooldown(self.checkin_cooldown, (guild_id, user_id)):   # OnCooldown: "Try again in N s"
    answer = await llm.ask(messages, guild_id=guild_id, user_id=user_id)
```
"""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import AbstractContextManager

from gpt.errors import AIDisabled, AINotConfigured, AIUnavailable, GuildBudgetExceeded, QuotaExceeded
from utils.cooldowns import Cooldown

# Refusals and failures where the LLM did no work. An unusable answer (AIInvalidResponse) is not here: the model
# did the work, so the use stays counted and a member cannot make it work again and again at no cost.
NOTHING_DONE = (AINotConfigured, AIDisabled, AIUnavailable, QuotaExceeded, GuildBudgetExceeded)


def llm_cooldown(cooldown: Cooldown, key: Hashable) -> AbstractContextManager[None]:
    """Count one use of `key` for the block (raises `OnCooldown` when used up); refund it if the LLM refused or
    failed inside the block."""
    return cooldown.counting(key, refund_on=NOTHING_DONE)

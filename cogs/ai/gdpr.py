"""GDPR for the AI quota: a member's daily usage counters, which belong to the LLM layer (gpt/gdpr.py says how they
are exported and erased; this module is where the GDPR protocol finds them, under the ai feature).

Erasure does not simply delete them (that would hand out a fresh quota: five check-ins, erase, repeat): the
counters move to `gpt_usage_erased` under a keyed pseudonym, which the quota still counts, and go with the
usual retention (USAGE_RETENTION_DAYS). See docs/gdpr.md.
"""

from gpt.gdpr import KEPT_REASON, TABLES, erase, export

__all__ = ["KEPT_REASON", "TABLES", "erase", "export"]

"""The FAQ settings (scope `faq`), as spec constants: the cog declares them, its search and its public API read
them, so no other feature needs to know their keys or defaults."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

MIN_SIMILARITY = SettingSpec(
    "faq", "min_similarity", SettingType.FLOAT, 0.35,
    "How close (0–1) a typed word must be to a title or keyword to count as a match despite a typo; lower finds "
    "more, higher finds less.", validator=int_range(0.1, 1.0))
MAX_RESULTS = SettingSpec("faq", "max_results", SettingType.INT, 5, "How many results /faq search shows.",
                          validator=int_range(1, 5))
SEARCH_LOG_RETENTION = SettingSpec(
    "faq", "search_log_retention_days", SettingType.INT, 90,
    "Days searches are kept for /faq stats (who searched what); older ones are deleted daily.",
    validator=int_range(1, 3650))

SETTINGS = (MIN_SIMILARITY, MAX_RESULTS, SEARCH_LOG_RETENTION)

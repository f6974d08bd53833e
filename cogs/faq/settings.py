"""The FAQ settings (scope `faq`): how loosely a search matches, how many results it shows, and how long
searches are kept for /faq stats."""

from __future__ import annotations

from core.settings_registry import SettingSpec, SettingType, int_range

FAQ_MIN_SIMILARITY: SettingSpec[float] = SettingSpec(
    "faq", "min_similarity", SettingType.FLOAT, 0.35,
    "How close (0–1) a typed word must be to a title or keyword to count as a match despite a "
    "typo; lower finds more, higher finds less.", validator=int_range(0.1, 1.0))
FAQ_MAX_RESULTS: SettingSpec[int] = SettingSpec(
    "faq", "max_results", SettingType.INT, 5,
    "How many results /faq search shows.", validator=int_range(1, 5))
FAQ_SEARCH_LOG_RETENTION_DAYS: SettingSpec[int] = SettingSpec(
    "faq", "search_log_retention_days", SettingType.INT, 90,
    "Days searches are kept for /faq stats (who searched what); older ones are deleted daily.",
    validator=int_range(1, 3650))

SETTINGS: tuple[SettingSpec, ...] = (
    FAQ_MIN_SIMILARITY, FAQ_MAX_RESULTS, FAQ_SEARCH_LOG_RETENTION_DAYS,
)

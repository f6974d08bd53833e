"""GDPR for settings: the settings an admin changed stay (they are the server's) without who changed them. The
tables are the kernel's: core/settings_gdpr.py says how they are exported and erased; this module is where the
GDPR protocol finds them, under the config feature."""

from core.settings_gdpr import TABLES, erase, export

__all__ = ["TABLES", "erase", "export"]

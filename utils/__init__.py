"""Shared machinery: configuration, database, migrations, settings registry and shared services."""

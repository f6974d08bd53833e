"""Hearth's features, one package per cog: cogs/<feature>/__init__.py holds only `setup`."""

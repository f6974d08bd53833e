"""Leaf helpers with no service behind them: clock, errors, paginator, options, member lookup, mentions,
cooldowns, pseudonyms. They import nothing from `core/` or the cogs."""

"""Leaf helpers with no service behind them: clock, errors, paginator, options, member lookup, mentions,
cooldowns, durations. They import nothing from `core/` or the cogs."""

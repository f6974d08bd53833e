"""Cog packages used by the foundation tests: a healthy one with a pool, one that fails to load, a greedy one."""

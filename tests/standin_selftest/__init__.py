"""Self-tests of the Discord stand-in (tests/standin)."""

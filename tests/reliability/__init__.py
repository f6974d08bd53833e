"""Issue 10: faults injected, hostile input, several bot processes."""

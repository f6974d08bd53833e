"""How long moderators' durations may be; they are read and refused by `core.duration_input.parse_duration`."""

MAX_TIMEOUT = 28 * 86400  # Discord: a timeout ends at most 28 days ahead
MAX_TEMPBAN = 365 * 86400

"""Reading a levels export (CSV) for `/xp import`: MEE6-style leaderboard exports and hand-made files.

A header row names the columns (any order, case and spaces ignored; other columns such as the username are
skipped): the member's id (`user_id`, `id`, `userid`, `user`, `member_id`, `discord_id`), and their total XP (`xp`,
`total_xp`, `experience`, `exp`) or their level (`level`, `lvl`: converted to the XP that level starts at), and
optionally their message count (`messages`, `message_count`, `msg_count`). With both XP and level, they must agree
on MEE6's curve (a file from a bot with another curve is refused rather than silently re-levelled).

Every problem is reported with its line number; nothing is imported unless the whole file is right.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from cogs.levels import curve
from utils.errors import BadInput

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_XP = curve.total_xp(curve.MAX_LEVEL)
MAX_MESSAGES = 2_000_000_000
SHOWN_PROBLEMS = 10
EXAMPLE = "user_id,xp,messages  then lines like  123456789012345678,4200,310"

_COLUMNS = {
    "user_id": ("user_id", "id", "userid", "user", "member_id", "discord_id"),
    "xp": ("xp", "total_xp", "experience", "exp"),
    "level": ("level", "lvl"),
    "messages": ("messages", "message_count", "msg_count"),
}
_SNOWFLAKE = re.compile(r"^\d{15,21}$")


@dataclass(frozen=True)
class ImportFile:
    """A checked file: (user id, total XP, messages or None) per member, in file order."""

    rows: list[tuple[int, int, int | None]]
    from_levels: bool  # the XP came from a level column

    @property
    def with_messages(self) -> bool:
        return bool(self.rows) and self.rows[0][2] is not None


def _header(names: list[str]) -> dict[str, int]:
    """Column name → index for the columns we read; BadInput when the id or both XP and level are missing."""
    found: dict[str, int] = {}
    normalised = [name.strip().lower().replace(" ", "_").lstrip("\ufeff") for name in names]
    for column, aliases in _COLUMNS.items():
        for index, name in enumerate(normalised):
            if name in aliases:
                found.setdefault(column, index)
    if "user_id" not in found:
        raise BadInput("Line 1 (the header) has no member id column: name it `user_id` (or `id`).", example=EXAMPLE)
    if "xp" not in found and "level" not in found:
        raise BadInput("Line 1 (the header) has neither an `xp` nor a `level` column.", example=EXAMPLE)
    return found


def _whole(text: str, what: str, high: int) -> int:
    value = text.strip().replace(",", "").replace("_", "")
    if not value.isdigit():
        raise ValueError(f"{what} `{text.strip()[:30]}` is not a whole number of 0 or more")
    number = int(value)
    if number > high:
        raise ValueError(f"{what} {number:,} is more than the most allowed ({high:,})")
    return number


def parse(data: bytes) -> ImportFile:
    """The rows of a CSV export, or BadInput listing the problems (with line numbers)."""
    if len(data) > MAX_BYTES:
        raise BadInput(f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"The file is not UTF-8 text (byte {exc.start + 1}). Save it as CSV (UTF-8).",
                       example=EXAMPLE) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput("The file is empty.", example=EXAMPLE) from None
    except csv.Error as exc:
        raise BadInput(f"Line 1: {exc}.", example=EXAMPLE) from None
    columns = _header(header)
    rows: list[tuple[int, int, int | None]] = []
    problems: list[str] = []
    seen: dict[int, int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise BadInput(f"The file has more than {MAX_ROWS:,} members; split it into several imports.")
            try:
                rows.append(_row(record, columns, seen, line))
            except ValueError as exc:
                problems.append(f"line {line}: {exc}")
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if problems:
        shown = "\n".join(f"• {problem}" for problem in problems[:SHOWN_PROBLEMS])
        more = f"\n… and {len(problems) - SHOWN_PROBLEMS} more." if len(problems) > SHOWN_PROBLEMS else ""
        raise BadInput(f"Nothing was imported: {len(problems)} line(s) need fixing.\n{shown}{more}")
    if not rows:
        raise BadInput("The file has a header but no members.", example=EXAMPLE)
    return ImportFile(rows, from_levels="xp" not in columns)


def _row(record: list[str], columns: dict[str, int], seen: dict[int, int],
         line: int) -> tuple[int, int, int | None]:
    def cell(column: str) -> str | None:
        index = columns.get(column)
        if index is None:
            return None
        if index >= len(record):
            raise ValueError(f"the `{column}` column is missing (the line has {len(record)} value(s))")
        return record[index]

    raw_id = (cell("user_id") or "").strip()
    if not _SNOWFLAKE.match(raw_id):
        raise ValueError(f"`{raw_id[:30]}` is not a Discord member id (15 to 21 digits)")
    user_id = int(raw_id)
    if user_id in seen:
        raise ValueError(f"member {user_id} is already on line {seen[user_id]}")
    seen[user_id] = line
    raw_xp, raw_level = cell("xp"), cell("level")
    level = _whole(raw_level, "level", curve.MAX_LEVEL) if raw_level is not None else None
    if raw_xp is not None:
        xp = _whole(raw_xp, "XP", MAX_XP)
        if level is not None and curve.level_of(xp) != level:
            raise ValueError(f"{xp:,} XP is level {curve.level_of(xp)} on MEE6's curve, but the file says level "
                             f"{level} (was it exported from a bot with another curve?)")
    else:
        assert level is not None
        xp = curve.total_xp(level)
    raw_messages = cell("messages")
    messages = _whole(raw_messages, "messages", MAX_MESSAGES) if raw_messages is not None else None
    return user_id, xp, messages

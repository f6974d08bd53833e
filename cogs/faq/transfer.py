"""`/faq export` and `/faq import` files: CSV or JSON in, CSV or JSON out (no SQL, no Discord calls).

Both formats hold the same three things per entry: `title`, `answer`, `keywords` (a list in JSON, comma-separated
in CSV). An import file is read completely and checked before anything is written: every problem is reported with
the line it is on (CSV), or the entry's number and line (JSON), and a file with any problem imports nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cogs.faq.search import ANSWER_LIMIT, TITLE_LIMIT, clean_keywords

FORMAT = "hearth-faq"
VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_PROBLEMS_SHOWN = 10
CSV_COLUMNS = ("title", "answer", "keywords")


@dataclass(frozen=True)
class ImportedEntry:
    """One checked entry of an import file, with the line it started on."""

    line: int
    title: str
    answer: str
    keywords: list[str]


class ImportProblems(ValueError):
    """The file cannot be imported; `problems` are the lines people read ("line 4: the title is empty")."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- export --------------------------------------------------------------------------------------------------


def to_json(entries: Iterable[tuple[str, str, list[str] | None]], exported_at: str) -> bytes:
    """The entries (title, answer, keywords) as a JSON export document."""
    document = {"format": FORMAT, "version": VERSION, "exported_at": exported_at,
                "entries": [{"title": t, "answer": a, "keywords": list(k or [])} for t, a, k in entries]}
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def to_csv(entries: Iterable[tuple[str, str, list[str] | None]]) -> bytes:
    """The entries as CSV with a header row (title, answer, keywords comma-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for title, answer, keywords in entries:
        writer.writerow([_defused(title), _defused(answer), _defused(", ".join(keywords or []))])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8


def _defused(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): a leading =, +, - or @ gets a quote."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") else cell


# --- import --------------------------------------------------------------------------------------------------


def parse(filename: str, data: bytes) -> list[ImportedEntry]:
    """The checked entries of an import file (JSON when it is named .json or starts with `{`, else CSV); raises
    `ImportProblems` listing what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportProblems([f"The file is {len(data) // 1024} KB; the limit is {MAX_FILE_BYTES // 1024} KB."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblems(["The file is not UTF-8 text: save it as UTF-8 CSV or JSON."]) from None
    is_json = filename.lower().endswith(".json") or text.lstrip().startswith(("{", "["))
    entries = _from_json(text) if is_json else _from_csv(text)
    if not entries:
        raise ImportProblems(["The file holds no entries."])
    if len(entries) > MAX_ENTRIES:
        raise ImportProblems([f"The file holds {len(entries)} entries; at most {MAX_ENTRIES} per import."])
    return entries


def _from_csv(text: str) -> list[ImportedEntry]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as exc:
        raise ImportProblems([f"line 1: {exc}"]) from None
    missing = [c for c in ("title", "answer") if c not in header]
    if missing:
        raise ImportProblems([f"line 1: the header must name the columns title, answer and (optionally) keywords; "
                              f"{' and '.join(missing)} missing."])
    where = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    entries: list[ImportedEntry] = []
    problems: list[str] = []
    line = reader.line_num
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: (row[i] if i < len(row) else "") for name, i in where.items()}
            _check(start, _undefused(cells["title"]), _undefused(cells["answer"]),
                   _undefused(cells.get("keywords", "")), entries, problems)
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if problems:
        raise ImportProblems(problems)
    return entries


def _undefused(cell: str) -> str:
    """A cell as exported (`_defused` undone)."""
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def _from_json(text: str) -> list[ImportedEntry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportProblems([f"line {exc.lineno}: not valid JSON ({exc.msg})."]) from None
    items = document.get("entries") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportProblems(["The JSON must be an `/faq export` document (with an `entries` list) or a list of "
                              "entries."])
    lines = _item_lines(text, len(items))
    entries: list[ImportedEntry] = []
    problems: list[str] = []
    for number, item in enumerate(items, start=1):
        line = lines[number - 1] if number - 1 < len(lines) else 0
        where = f"entry {number} (line {line})" if line else f"entry {number}"
        if not isinstance(item, dict):
            problems.append(f"{where}: an entry is an object with title, answer and keywords.")
            continue
        keywords: Any = item.get("keywords") or []
        if isinstance(keywords, list) and all(isinstance(k, str) for k in keywords):
            keywords = ", ".join(keywords)
        title, answer = item.get("title"), item.get("answer")
        if not isinstance(title, str) or not isinstance(answer, str) or not isinstance(keywords, str):
            problems.append(f"{where}: title and answer must be text, keywords a list of text.")
            continue
        _check(line, title, answer, keywords, entries, problems, where=where)
    if problems:
        raise ImportProblems(problems)
    return entries


def _item_lines(text: str, count: int) -> list[int]:
    """The line on which each entry object of the `entries` list starts (best effort, for messages)."""
    decoder = json.JSONDecoder()
    start = text.find("[", text.find('"entries"') if '"entries"' in text else 0)
    lines: list[int] = []
    position = start + 1
    while len(lines) < count and 0 < position < len(text):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        try:
            _, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            break
        lines.append(text.count("\n", 0, position) + 1)
        position = end
    return lines


def _check(line: int, title: str, answer: str, keywords: str, entries: list[ImportedEntry], problems: list[str],
           *, where: str | None = None) -> None:
    """Check one entry; add it to `entries` or its problems to `problems`."""
    where = where or f"line {line}"
    clean_title, clean_answer = title.strip(), answer.strip()
    found: list[str] = []
    if not 3 <= len(clean_title) <= TITLE_LIMIT:
        found.append(f"the title must be 3 to {TITLE_LIMIT} characters (it is {len(clean_title)})")
    if not 1 <= len(clean_answer) <= ANSWER_LIMIT:
        found.append(f"the answer must be 1 to {ANSWER_LIMIT} characters (it is {len(clean_answer)})")
    try:
        clean_words = clean_keywords(keywords)
    except ValueError as exc:
        found.append(str(exc)[0].lower() + str(exc)[1:])
        clean_words = []
    same = next((e for e in entries if e.title.lower() == clean_title.lower()), None)
    if same is not None and clean_title:
        found.append(f"the title is also on line {same.line}" if same.line else "the title appears twice")
    if found:
        problems.append(f"{where}: " + "; ".join(found) + ".")
    else:
        entries.append(ImportedEntry(line, clean_title, clean_answer, clean_words))


def refusal(problems: list[str]) -> str:
    """What the admin reads when the file is refused: the first problems, and how many more."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    text = "Nothing was imported; fix the file and try again:\n" + "\n".join(f"• {p}" for p in shown)
    if len(problems) > len(shown):
        text += f"\n… and {len(problems) - len(shown)} more problem(s)."
    return text

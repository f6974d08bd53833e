"""Discord's Markdown in the HTML transcript: code blocks and inline code, bold, italics, underline, strike-through,
spoilers and links, shown as Discord shows them.

It works on text that is already HTML-escaped (transcript_html.py escapes every piece of user content first), so the
only markup in the result is the markup added here, around text that stays escaped. Code and links are cut out
before any other rule runs: nothing inside them is formatted (an underscore in a URL stays an underscore), and
mentions are rendered only in the plain text between them, as in Discord.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

# A fenced block (an optional language name on its first line) or inline code, on escaped text (no backticks are
# escaped by html.escape).
_CODE = re.compile(r"```(?:[A-Za-z0-9_+-]{1,20}\n)?\n?(.*?)```|`([^`\n]+)`", re.S)
# An http(s) URL in escaped text: it ends before a space, an escaped quote or angle bracket, and trailing
# punctuation is left out of it.
_URL = re.compile(r"https?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s<])+")
_TRAILING = ".,:;!?)]"
_STYLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S), r"<strong>\1</strong>"),
    (re.compile(r"__(?=\S)(.+?)(?<=\S)__", re.S), r"<u>\1</u>"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~", re.S), r"<s>\1</s>"),
    (re.compile(r"\|\|(?=\S)(.+?)(?<=\S)\|\|", re.S), r'<span class="spoiler">\1</span>'),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])", re.S), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])", re.S), r"<em>\1</em>"),
]


def render(escaped: str, link: Callable[[str, str], str], mentions: Callable[[str], str]) -> str:
    """Escaped message text with its Markdown shown: `link(url, label)` makes a link of a raw URL, `mentions` renders
    the mentions of a piece of plain (escaped) text."""
    out: list[str] = []
    at = 0
    for code in _CODE.finditer(escaped):
        out.append(_plain(escaped[at:code.start()], link, mentions))
        block, inline = code.group(1), code.group(2)
        out.append(f"<pre><code>{block}</code></pre>" if block is not None else f"<code>{inline}</code>")
        at = code.end()
        if block is not None and escaped.startswith("\n", at):  # the block ends its line already
            at += 1
    out.append(_plain(escaped[at:], link, mentions))
    return "".join(out)


def _plain(escaped: str, link: Callable[[str, str], str], mentions: Callable[[str], str]) -> str:
    """Text outside code: links cut out, the rest styled and its mentions rendered."""
    out: list[str] = []
    at = 0
    for found in _URL.finditer(escaped):
        url = found.group(0).rstrip(_TRAILING)
        out.append(_styled(escaped[at:found.start()], mentions))
        raw = html.unescape(url)
        out.append(link(raw, raw))
        at = found.start() + len(url)
    out.append(_styled(escaped[at:], mentions))
    return "".join(out)


def _styled(escaped: str, mentions: Callable[[str], str]) -> str:
    for pattern, replacement in _STYLES:
        escaped = pattern.sub(replacement, escaped)
    return mentions(escaped)

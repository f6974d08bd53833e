"""The embed builder: what the `/embed` modal reads (title, description, colour as #hex, image URL, up to three
fields as `name | value` lines and a `footer:` line), checked against Discord's embed limits, and the modal itself
(prefilled when editing a posted embed)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import discord

from core.persistent_items import ReportingModal
from utils.errors import BadInput

# Discord's embed limits (discord.com/developers/docs/resources/message#embed-object-embed-limits).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
MAX_FIELDS = 3  # what the builder offers (Discord allows 25)
URL_LIMIT = 2048
INPUT_LIMIT = 4000  # a modal text input holds at most 4000 characters

_HEX = re.compile(r"#?(?P<hex>[0-9a-fA-F]{6})")
_FOOTER = re.compile(r"^footer\s*:\s*(?P<text>.*)$", re.IGNORECASE)
FIELDS_HELP = "One field per line as `name | value` (up to 3), and a line `footer: text` for the footer."


@dataclass(frozen=True)
class EmbedForm:
    """What the member typed into the builder."""

    title: str = ""
    description: str = ""
    colour: str = ""
    image: str = ""
    fields: str = ""


def parse_colour(text: str) -> int | None:
    """`#5865F2` (or without #) → its value; empty → None; anything else → `BadInput`."""
    text = text.strip()
    if not text:
        return None
    match = _HEX.fullmatch(text)
    if match is None:
        raise BadInput(f"`{discord.utils.escape_markdown(text[:20])}` is not a colour: write it as # and six hex "
                       "digits.", example="#5865F2")
    return int(match["hex"], 16)


def parse_url(text: str) -> str | None:
    """An http(s) address with a host; empty → None; anything else → `BadInput`."""
    text = text.strip()
    if not text:
        return None
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(text) > URL_LIMIT or " " in text:
        raise BadInput("The image must be a web address starting with https:// (or http://).",
                       example="https://example.com/banner.png")
    return text


def parse_fields(text: str) -> tuple[list[tuple[str, str]], str]:
    """The `name | value` lines and the `footer:` line → (fields, footer); `BadInput` naming the bad line."""
    fields: list[tuple[str, str]] = []
    footer = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if match := _FOOTER.match(line):
            footer = match["text"].strip()
            if len(footer) > FOOTER_LIMIT:
                raise BadInput(f"The footer is {len(footer)} characters long; Discord allows {FOOTER_LIMIT}.")
            continue
        name, bar, value = line.partition("|")
        if not bar or not name.strip() or not value.strip():
            raise BadInput(f"Line {number} of the fields is not `name | value`. {FIELDS_HELP}",
                           example="Where | #general")
        if len(name.strip()) > FIELD_NAME_LIMIT or len(value.strip()) > FIELD_VALUE_LIMIT:
            raise BadInput(f"Field {len(fields) + 1} is too long: names hold {FIELD_NAME_LIMIT} characters and "
                           f"values {FIELD_VALUE_LIMIT}.")
        fields.append((name.strip(), value.strip()))
    if len(fields) > MAX_FIELDS:
        raise BadInput(f"The builder takes up to {MAX_FIELDS} fields ({len(fields)} given). {FIELDS_HELP}")
    return fields, footer


def build_embed(form: EmbedForm) -> discord.Embed:
    """The embed the form describes, or `BadInput` saying what is wrong and how to write it."""
    title, description = form.title.strip(), form.description.strip()
    if len(title) > TITLE_LIMIT:
        raise BadInput(f"The title is {len(title)} characters long; Discord allows {TITLE_LIMIT}.")
    if len(description) > DESCRIPTION_LIMIT:
        raise BadInput(f"The description is {len(description)} characters long; Discord allows {DESCRIPTION_LIMIT}.")
    colour = parse_colour(form.colour)
    image = parse_url(form.image)
    fields, footer = parse_fields(form.fields)
    if not (title or description or fields or image):
        raise BadInput("The embed is empty: give it at least a title, a description, a field or an image.")
    embed = discord.Embed(title=title or None, description=description or None, colour=colour)
    for name, value in fields:
        embed.add_field(name=name, value=value, inline=False)
    if image:
        embed.set_image(url=image)
    if footer:
        embed.set_footer(text=footer)
    if len(embed) > TOTAL_LIMIT:
        raise BadInput(f"The embed holds {len(embed)} characters in all; Discord allows {TOTAL_LIMIT}.")
    return embed


def form_of(embed: discord.Embed) -> EmbedForm:
    """The builder's form for a posted embed (to edit it)."""
    lines = [f"{field.name} | {field.value}" for field in embed.fields[:MAX_FIELDS]]
    if embed.footer.text:
        lines.append(f"footer: {embed.footer.text}")
    return EmbedForm(title=embed.title or "", description=embed.description or "",
                     colour=f"#{embed.colour.value:06X}" if embed.colour is not None else "",
                     image=embed.image.url or "", fields="\n".join(lines))


Submit = Callable[[discord.Interaction, discord.Embed], Awaitable[None]]


class EmbedBuilder(ReportingModal, title="Embed builder"):
    """Title, description, colour, image and fields; submitting checks them and hands the embed to `submit`."""

    what = "the embed builder"

    title_input: discord.ui.TextInput[EmbedBuilder] = discord.ui.TextInput(
        label="Title", custom_id="title", required=False, max_length=TITLE_LIMIT)
    description: discord.ui.TextInput[EmbedBuilder] = discord.ui.TextInput(
        label="Description", custom_id="description", style=discord.TextStyle.paragraph, required=False,
        max_length=INPUT_LIMIT)
    colour: discord.ui.TextInput[EmbedBuilder] = discord.ui.TextInput(
        label="Colour (#hex)", custom_id="colour", required=False, max_length=7, placeholder="#5865F2")
    image: discord.ui.TextInput[EmbedBuilder] = discord.ui.TextInput(
        label="Image URL", custom_id="image", required=False, max_length=URL_LIMIT,
        placeholder="https://example.com/banner.png")
    fields: discord.ui.TextInput[EmbedBuilder] = discord.ui.TextInput(
        label="Fields (name | value) and footer: text", custom_id="fields", style=discord.TextStyle.paragraph,
        required=False, max_length=INPUT_LIMIT, placeholder="When | Saturday 20:00\nfooter: See you there")

    def __init__(self, submit: Submit, form: EmbedForm | None = None) -> None:
        super().__init__(timeout=900)
        self.submit = submit
        form = form or EmbedForm()
        self.title_input.default = form.title or None
        self.description.default = form.description or None
        self.colour.default = form.colour or None
        self.image.default = form.image or None
        self.fields.default = form.fields or None

    async def on_submit(self, interaction: discord.Interaction) -> None:
        embed = build_embed(EmbedForm(self.title_input.value, self.description.value, self.colour.value,
                                      self.image.value, self.fields.value))
        await self.submit(interaction, embed)

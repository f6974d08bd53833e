"""Discord's message/embed/component limits, answered as Discord's 400 errors."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered to the bot as Discord would (status + JSON body)."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


def missing_permissions() -> ApiError:
    """403 Missing Permissions (50013)."""
    return ApiError(403, 50013, "Missing Permissions")


def missing_access() -> ApiError:
    """403 Missing Access (50001)."""
    return ApiError(403, 50001, "Missing Access")


def not_found(what: str, code: int) -> ApiError:
    """404 Unknown <what>."""
    return ApiError(404, code, f"Unknown {what}")


def _form_error(path: list[str], code: str, message: str) -> ApiError:
    errors: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path):
        errors = {key: errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)


form_error = _form_error  # public name for other modules


CATEGORY_LIMIT = 50  # Discord: a category holds at most 50 channels


def check_category_room(channels: Any, parent_id: int, moving: int | None = None) -> None:
    """400 Invalid Form Body on parent_id (CHANNEL_PARENT_MAX_CHANNELS) when the category already holds 50 channels
    (`channels`: the world's channels; `moving`: a channel already in it does not count against itself)."""
    held = sum(1 for c in channels.values() if c.parent_id == parent_id and c.id != moving)
    if held >= CATEGORY_LIMIT:
        raise _form_error(["parent_id"], "CHANNEL_PARENT_MAX_CHANNELS",
                          f"Maximum number of channels in category reached ({CATEGORY_LIMIT})")


MAX_SLOWMODE = 21600  # seconds (6 hours)


def validate_slowmode(body: dict[str, Any]) -> None:
    """``rate_limit_per_user`` must be 0-21600 (400 Invalid Form Body otherwise)."""
    value = body.get("rate_limit_per_user")
    if value is not None and not (isinstance(value, int) and 0 <= value <= MAX_SLOWMODE):
        raise _form_error(["rate_limit_per_user"], "NUMBER_TYPE_MAX", f"int value should be <= {MAX_SLOWMODE}.")


def _max_len(value: Any, limit: int, path: list[str]) -> None:
    if value is not None and len(str(value)) > limit:
        raise _form_error(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


EMBED_LIMITS = {"title": 256, "description": 4096}


def embed_size(embed: dict[str, Any]) -> int:
    """Characters counted towards the 6000 total."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


def validate_embeds(embeds: list[dict[str, Any]], key: str = "embeds") -> None:
    """Raise ApiError(400) when embeds exceed Discord's limits."""
    if len(embeds) > 10:
        raise _form_error([key], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, emb in enumerate(embeds):
        path = [key, str(i)]
        for name, limit in EMBED_LIMITS.items():
            _max_len(emb.get(name), limit, [*path, name])
        fields = emb.get("fields") or []
        if len(fields) > 25:
            raise _form_error([*path, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, f in enumerate(fields):
            _max_len(f.get("name"), 256, [*path, "fields", str(j), "name"])
            _max_len(f.get("value"), 1024, [*path, "fields", str(j), "value"])
            if not f.get("name") or not f.get("value"):
                raise _form_error([*path, "fields", str(j)], "BASE_TYPE_REQUIRED", "This field is required")
        _max_len((emb.get("footer") or {}).get("text"), 2048, [*path, "footer", "text"])
        _max_len((emb.get("author") or {}).get("name"), 256, [*path, "author", "name"])
        total += embed_size(emb)
    if total > 6000:
        raise _form_error([key], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def validate_components(components: list[dict[str, Any]], key: str = "components") -> None:
    """Basic action-row/button/select limits (classic components only)."""
    rows = [c for c in components if c.get("type") == 1]
    if len(rows) > 5 and len(rows) == len(components):
        raise _form_error([key], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, row in enumerate(rows):
        children = row.get("components") or []
        if len(children) > 5:
            raise _form_error([key, str(i), "components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        for j, child in enumerate(children):
            path = [key, str(i), "components", str(j)]
            _max_len(child.get("custom_id"), 100, [*path, "custom_id"])
            _max_len(child.get("label"), 80, [*path, "label"])
            if len(child.get("options") or []) > 25:
                raise _form_error([*path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")


def validate_message(body: dict[str, Any], *, has_files: bool = False, edit: bool = False) -> None:
    """Validate a message create/edit body like Discord does."""
    _max_len(body.get("content"), 2000, ["content"])
    validate_embeds(body.get("embeds") or [])
    validate_components(body.get("components") or [])
    if edit:
        return
    empty = not (
        body.get("content")
        or body.get("embeds")
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
        or has_files
    )
    if empty:
        raise ApiError(400, 50006, "Cannot send an empty message")


def validate_choices(choices: list[dict[str, Any]]) -> None:
    """Autocomplete choices: at most 25, names/values at most 100 chars."""
    if len(choices) > 25:
        raise _form_error(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        _max_len(choice.get("name"), 100, ["data", "choices", str(i), "name"])
        if isinstance(choice.get("value"), str):
            _max_len(choice.get("value"), 100, ["data", "choices", str(i), "value"])


def validate_modal(data: dict[str, Any]) -> None:
    """Modal title at most 45 chars, 1-5 top-level components."""
    _max_len(data.get("title"), 45, ["data", "title"])
    if not 1 <= len(data.get("components") or []) <= 5:
        raise _form_error(["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")

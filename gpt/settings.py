"""The per-guild `gpt` settings: on/off, model and temperature (the API key and base URL stay process-wide,
in the environment, never in a guild's settings)."""

from __future__ import annotations

import re
from typing import Any

from utils.settings_registry import SettingSpec, SettingType, int_range

_MODEL_NAME = re.compile(r"^[\w.:/@+-]{1,100}$")


def _model_name(value: Any) -> str | None:
    if not isinstance(value, str) or not _MODEL_NAME.match(value):
        return "a model name is letters, digits and . : / @ + - _ only (up to 100), e.g. gpt-4o-mini or grok-3-mini."
    return None


GPT_ENABLED = SettingSpec("gpt", "enabled", SettingType.BOOL, True,
                          "Whether the AI features (growth check-ins, summaries, AI moderation) run on this server.")
GPT_MODEL = SettingSpec("gpt", "model", SettingType.TEXT, None,
                        "The model this server uses; not set = the bot's OPENAI_MODEL. Must exist at the provider.",
                        validator=_model_name)
GPT_TEMPERATURE = SettingSpec("gpt", "temperature", SettingType.FLOAT, 0.7,
                              "How varied the AI's answers are, from 0 (focused) to 2 (very loose).",
                              validator=int_range(0, 2))

GPT_SETTINGS: tuple[SettingSpec, ...] = (GPT_ENABLED, GPT_MODEL, GPT_TEMPERATURE)

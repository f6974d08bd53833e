"""The per-guild `gpt` settings: on/off, model and temperature (the API key and base URL stay process-wide,
in the environment, never in a guild's settings).

The model is a choice among the operator's allow-list (`OPENAI_MODEL` plus `OPENAI_ALLOWED_MODELS`), never free
text: the operator pays for every call, so a server admin must not be able to pick an expensive model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.config import MODEL_NAME
from core.settings_registry import SettingSpec, SettingType, int_range

DEFAULT_MODEL = "gpt-4o-mini"  # the default of OPENAI_MODEL


def _model_name(value: Any) -> str | None:
    if not isinstance(value, str) or not MODEL_NAME.match(value):
        return "a model name is letters, digits and . : / @ + - _ only (up to 100), e.g. gpt-4o-mini or grok-3-mini."
    return None


def allowed_models(config: Any) -> tuple[str, ...]:
    """The models a server may use: the default `OPENAI_MODEL` first, then `OPENAI_ALLOWED_MODELS`."""
    default = getattr(config, "openai_model", None) or DEFAULT_MODEL
    extra = getattr(config, "openai_allowed_models", None) or []
    return tuple(dict.fromkeys([default, *extra]))


GPT_ENABLED = SettingSpec("gpt", "enabled", SettingType.BOOL, True,
                          "Whether the AI features (growth check-ins, summaries, AI moderation) run on this server.")
GPT_MODEL = SettingSpec("gpt", "model", SettingType.TEXT, None,
                        "The model this server uses, one of the bot operator's allowed models (OPENAI_MODEL and "
                        "OPENAI_ALLOWED_MODELS); not set = OPENAI_MODEL.",
                        validator=_model_name)
GPT_TEMPERATURE = SettingSpec("gpt", "temperature", SettingType.FLOAT, 0.7,
                              "How varied the AI's answers are, from 0 (focused) to 2 (very loose).",
                              validator=int_range(0, 2))

GPT_SETTINGS: tuple[SettingSpec, ...] = (GPT_ENABLED, GPT_MODEL, GPT_TEMPERATURE)


def gpt_settings(models: tuple[str, ...]) -> tuple[SettingSpec, ...]:
    """The `gpt` settings of a running bot: `model` offers (and only accepts) the allowed `models`."""
    return (GPT_ENABLED, replace(GPT_MODEL, choices=models), GPT_TEMPERATURE)

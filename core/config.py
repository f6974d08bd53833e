"""Typed configuration from environment variables and an optional `.env` file.

Every variable is documented in `.env.example` and `docs/configuration.md`. A bad value is reported as one
line per problem naming the variable (see `ConfigError`), never as a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PRICE_TIERS = ("stripe_price_monthly", "stripe_price_yearly", "stripe_price_lifetime")
_PRICE_ID = re.compile(r"price_[A-Za-z0-9_]{1,250}")
DISCORD_API = "https://discord.com/api/v10"
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
PoolMode = Literal["auto", "session", "transaction"]
MODEL_NAME = re.compile(r"^[\w.:/@+-]{1,100}$")  # a model id as providers spell them (gpt-4o-mini, llama3.1:8b)


def _postgres_url(value: str | None) -> str | None:
    """A blank URL is unset; anything else must be a postgresql:// URL."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not value.startswith(("postgresql://", "postgres://")):
        raise ValueError("must start with postgresql:// (for example postgresql://user:pass@host:5432/hearth)")
    return value


class ConfigError(Exception):
    """Configuration could not be loaded; `lines` holds one human message per bad variable."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Settings(BaseSettings):
    """Process-wide settings. Per-guild settings live in the database (see core.settings_registry)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    discord_token: SecretStr | None = Field(default=None, description="Bot token from the Developer Portal.")
    database_url: str | None = Field(
        default=None, description="postgresql:// URL; unset = embedded PostgreSQL under EMBEDDED_PG_DIR."
    )
    database_direct_url: str | None = Field(
        default=None, description="postgresql:// URL straight to PostgreSQL (not through PgBouncer), for LISTEN and "
        "migrations; unset = DATABASE_URL.")
    database_pool_mode: PoolMode = Field(
        default="auto", validate_default=True,
        description="session, transaction (DATABASE_URL is a transaction-pooling PgBouncer: no prepared-statement "
        "cache) or auto (transaction when DATABASE_DIRECT_URL differs from DATABASE_URL).")
    embedded_pg_dir: Path = Field(default=Path("data/postgres"), description="Embedded PostgreSQL data dir.")
    embedded_pg_database: str = Field(default="hearth", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    db_max_connections: int = Field(default=65, ge=2, le=10_000, description="Budget for all pools together.")
    db_command_timeout: float = Field(default=10.0, gt=0, le=600, description="Seconds a query may run.")
    db_acquire_timeout: float = Field(default=2.5, gt=0, le=60, description="Seconds to wait for a connection.")
    docs_url: str | None = Field(
        default=None, description="Where the admin guide (docs/) is published; /help links its pages (unset: the "
        "page's path in the repository is named).")
    log_level: LogLevel = "INFO"
    api_enabled: bool = True
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8080, ge=0, le=65535)
    api_max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=16 * 1024 * 1024,
                                    description="Largest request body the HTTP API reads (bigger = 413).")
    api_rate_limit: int = Field(default=120, ge=1, le=100_000,
                                description="Requests a minute each API key may make (more = 429 with Retry-After).")
    api_docs_enabled: bool = Field(default=False,
                                   description="Serve /docs, /redoc and /openapi.json (off: they answer 404).")
    dashboard_enabled: bool = Field(default=False, description="Serve the web dashboard under /dashboard/ "
                                    "(needs the HTTP API, PUBLIC_URL and the OAuth2 client).")
    public_url: str | None = Field(
        default=None, description="Public address of the HTTP API as browsers reach it, e.g. "
        "https://hearth.example.org: the dashboard (OAuth2 redirect URI: this + /dashboard/callback) and the events "
        "calendar's addresses are built on it.")
    discord_client_id: str | None = Field(default=None, description="OAuth2 client id (Developer Portal → OAuth2).")
    discord_client_secret: SecretStr | None = Field(default=None,
                                                    description="OAuth2 client secret (Developer Portal → OAuth2).")
    discord_api_base: str = Field(default=DISCORD_API,
                                  description="Discord's API address for the dashboard's OAuth2 calls.")
    health_history_retention_days: int = Field(default=30, ge=1, le=3650,
                                               description="Days health_check_history samples are kept.")
    stripe_events_retention_days: int = Field(default=90, ge=30, le=3650,
                                              description="Days handled Stripe event ids are kept.")
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout: float = Field(default=30.0, gt=0, le=600, description="Seconds per LLM request attempt.")
    openai_max_retries: int = Field(default=2, ge=0, le=10,
                                    description="Retries of a failed LLM request (timeouts, 429, 5xx).")
    openai_allowed_models: Annotated[list[str] | None, NoDecode] = Field(
        default=None, description="Comma-separated models a server may pick with gpt.model (OPENAI_MODEL always is).")
    ai_fair_use_daily_limit: int = Field(
        default=100, ge=25, le=100_000,
        description="AI requests a day per member and server for yearly and lifetime premium (the fair-use ceiling).")
    ai_guild_daily_budget: int = Field(
        default=100, ge=0, le=1_000_000,
        description="LLM requests a day per server for background features (embed watcher, ticket summaries).")
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    app_webhook_secret: SecretStr | None = Field(
        default=None, description="Shared secret of the companion app's signed webhooks (unset = they refuse)."
    )
    stripe_api_base: str | None = Field(
        default=None, description="Stripe API address; unset = api.stripe.com (set for stripe-mock or tests)."
    )
    # The prices premium is sold at: the operator's, never a guild setting (a guild admin could otherwise sell
    # yearly premium at the monthly price). Unset = that tier is not on sale.
    stripe_price_monthly: str | None = Field(default=None, description="Stripe price id of monthly premium.")
    stripe_price_yearly: str | None = Field(default=None, description="Stripe price id of yearly premium.")
    stripe_price_lifetime: str | None = Field(default=None, description="Stripe price id of lifetime premium.")
    cogs: Annotated[list[str] | None, NoDecode] = Field(
        default=None, description="Comma-separated cog names to load; unset = every cog under cogs/."
    )
    sync_commands: bool = Field(default=True, description="Sync slash commands with Discord at start-up.")
    shard_count: int | None = Field(
        default=None, ge=1, le=100_000,
        description="Total number of shards of the bot; unset = Discord's recommendation (GET /gateway/bot).")
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None, description="Comma-separated shards this process runs (needs SHARD_COUNT); unset = all.")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        return _postgres_url(value)

    @field_validator("database_direct_url")
    @classmethod
    def _direct_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = _postgres_url(value)
        if value is not None and not info.data.get("database_url"):
            raise ValueError("needs DATABASE_URL (the pooled URL) to be set too; without it Hearth runs the "
                             "embedded PostgreSQL and connects to it directly")
        return value

    @field_validator("database_pool_mode", mode="before")
    @classmethod
    def _lower_mode(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("database_pool_mode")
    @classmethod
    def _transaction_mode_needs_direct_url(cls, value: str, info: ValidationInfo) -> str:
        if value == "transaction" and "database_direct_url" in info.data and not info.data["database_direct_url"]:
            raise ValueError("transaction pooling needs DATABASE_DIRECT_URL (a URL straight to PostgreSQL, not "
                             "through PgBouncer): LISTEN/NOTIFY and the migration lock need a session of their own")
        return value

    @property
    def direct_database_url(self) -> str | None:
        """The URL for LISTEN and migrations: DATABASE_DIRECT_URL, else DATABASE_URL (None = embedded)."""
        return self.database_direct_url or self.database_url

    @property
    def transaction_pooling(self) -> bool:
        """Whether DATABASE_URL leads to a transaction-pooling PgBouncer (DATABASE_POOL_MODE, `auto` resolved)."""
        if self.database_pool_mode == "auto":
            return self.database_direct_url is not None and self.database_direct_url != self.database_url
        return self.database_pool_mode == "transaction"

    @field_validator("public_url", "discord_api_base")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return DISCORD_API if info.field_name == "discord_api_base" else None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")) or "?" in value or "#" in value:
            raise ValueError("must be an http(s):// address without query, e.g. https://hearth.example.org")
        return value

    @field_validator("discord_client_id", mode="before")
    @classmethod
    def _client_id(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if value and not value.isdigit():
            raise ValueError("must be the application's numeric client id (Developer Portal → OAuth2 → Client ID)")
        return value or None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cogs", mode="before")
    @classmethod
    def _split_cogs(cls, value: object) -> object:
        if isinstance(value, str):
            names = [part.strip() for part in value.split(",") if part.strip()]
            return names or None
        return value

    @field_validator("openai_allowed_models", mode="before")
    @classmethod
    def _split_models(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list):
            wrong = [name for name in value if not isinstance(name, str) or not MODEL_NAME.match(name)]
            if wrong:
                raise ValueError(f"{wrong[0]!r} is not a model name (letters, digits and . : / @ + - _ only)")
            return list(dict.fromkeys(value)) or None
        return value

    @field_validator("shard_count", mode="before")
    @classmethod
    def _blank_count_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _split_shard_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise ValueError("must be comma-separated shard numbers, for example 0,1")
        return [int(part) for part in parts] or None

    @field_validator("shard_ids")
    @classmethod
    def _shards_exist(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if value is None or "shard_count" not in info.data:  # SHARD_COUNT itself is invalid: reported there
            return value
        count = info.data["shard_count"]
        if count is None:
            raise ValueError("needs SHARD_COUNT (the bot's total number of shards) to be set too")
        wrong = [shard for shard in value if not 0 <= shard < count]
        if wrong:
            raise ValueError(f"shard {wrong[0]} does not exist with SHARD_COUNT={count} (use 0 to {count - 1})")
        if len(set(value)) != len(value):
            raise ValueError("lists a shard twice")
        return sorted(value)

    @field_validator("stripe_price_monthly", "stripe_price_yearly", "stripe_price_lifetime", mode="before")
    @classmethod
    def _price_id(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not value:
            return None
        if not _PRICE_ID.fullmatch(value):
            raise ValueError("must be a Stripe price id (Stripe dashboard → Product catalogue → the price), "
                             "e.g. price_1Q2w3E4r5T")
        for other in PRICE_TIERS:  # one price per tier: a shared one would sell one tier as the other
            if other != info.field_name and info.data.get(other) == value:
                raise ValueError(f"is the same price as {other.upper()}; each tier needs its own price")
        return value

    @property
    def stripe_prices(self) -> dict[str, str]:
        """The configured premium prices, {tier: Stripe price id}; a tier without one is not on sale."""
        return {field.removeprefix("stripe_price_"): getattr(self, field) for field in PRICE_TIERS
                if getattr(self, field)}

    def premium_missing(self) -> list[str]:
        """The Stripe variables premium still needs (all empty = premium fully configured)."""
        wanted = ("stripe_secret_key", "stripe_webhook_secret", *PRICE_TIERS)
        return [name.upper() for name in wanted if getattr(self, name) is None]

    def dashboard_missing(self) -> list[str]:
        """What the enabled dashboard still needs (empty = ready, or the dashboard is off)."""
        if not self.dashboard_enabled:
            return []
        missing = [name.upper() for name in ("public_url", "discord_client_id", "discord_client_secret")
                   if getattr(self, name) is None]
        return (["API_ENABLED=true"] if not self.api_enabled else []) + missing

    @field_validator("openai_api_key", "stripe_secret_key", "stripe_webhook_secret", "discord_token",
                     "app_webhook_secret", "discord_client_secret", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value


def load_settings(env_file: str | Path | None = ".env", **overrides: object) -> Settings:
    """Load settings from the environment (and `env_file` if it exists), raising `ConfigError` on bad values."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        variable = "_".join(str(part) for part in error["loc"][:1]).upper() or "CONFIGURATION"
        message = error["msg"].removeprefix("Value error, ")
        value = error.get("input")
        secret = any(word in variable for word in ("TOKEN", "KEY", "SECRET", "DATABASE_URL", "DIRECT_URL"))
        shown = f" (got {value!r})" if isinstance(value, str | int | float) and not secret else ""
        lines.append(f"Configuration error: {variable}: {message}{shown}")
    return lines

"""Every setting comes from the environment, is validated once, and is masked when shown.

``Settings.from_env()`` collects *all* problems before failing, so an operator fixes a bad
deployment in one pass instead of one restart per typo.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import ConfigError
from bot.words import LANGUAGES

T = TypeVar("T")

SECRET_FIELDS = frozenset(
    {"slack_bot_token", "slack_app_token", "slack_signing_secret", "redis_url"}
)
_SLACK_ID = re.compile(r"^[A-Z0-9]{2,}$")
_REGISTRY_NAME = re.compile(r"^[A-Za-z0-9]{5,50}$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

# Work after the acknowledgement: the defaults (bot.jobs takes its own from here)
WORKERS = 16  # threads doing acknowledged work
QUEUE_LIMIT = 200  # work waiting for a thread before commands and buttons hear "busy"
REPLY_RETRY_SECONDS = 1800  # how long a reply Slack refuses is tried again

CLOUDS: dict[str, dict[str, str]] = {
    "public": {
        "arm_endpoint": "https://management.azure.com",
        "arm_audience": "https://management.azure.com/.default",
        "authority": "login.microsoftonline.com",
        "acr_audience": "https://containerregistry.azure.net/.default",
        "acr_suffix": "azurecr.io",
    },
    "china": {
        "arm_endpoint": "https://management.chinacloudapi.cn",
        "arm_audience": "https://management.chinacloudapi.cn/.default",
        "authority": "login.chinacloudapi.cn",
        "acr_audience": "https://containerregistry.azure.net/.default",
        "acr_suffix": "azurecr.cn",
    },
    "usgov": {
        "arm_endpoint": "https://management.usgovcloudapi.net",
        "arm_audience": "https://management.usgovcloudapi.net/.default",
        "authority": "login.microsoftonline.us",
        "acr_audience": "https://containerregistry.azure.net/.default",
        "acr_suffix": "azurecr.us",
    },
}


@dataclass(frozen=True)
class Settings:
    """The effective configuration of one bot process."""

    # Slack
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str | None = None
    mode: str = "socket"  # socket | http
    port: int = 3000
    host: str = "0.0.0.0"  # noqa: S104 - HTTP mode listens on every interface by default
    # State
    redis_url: str | None = None
    redis_prefix: str = "acrbot:"
    # Triage
    default_language: str = "en"
    repeat_window_seconds: int = 900
    match_threshold: float | None = None  # None: the fitted decision's own threshold
    knowledge_dir: str | None = None  # another knowledge base directory (default: the shipped one)
    # Azure
    credential: str = "default"  # managed-identity | workload-identity | azure-cli | default
    azure_client_id: str | None = None
    azure_cloud: str = "public"
    arm_endpoint: str | None = None
    subscription_ids: tuple[str, ...] = ()
    usage_cache_seconds: int = 60
    confirm_seconds: int = 600  # how long a cancel-runs confirmation button stays valid
    azure_timeout_seconds: float = 20.0
    # Access and audit
    admins: tuple[str, ...] = ()
    admin_groups: tuple[str, ...] = ()
    allowed_registries: tuple[str, ...] = ()
    allowed_channels: tuple[str, ...] = ()
    audit_channel: str | None = None
    # Operations
    metrics_port: int = 9090
    log_format: str = "json"  # json | text
    log_level: str = "INFO"
    socket_down_threshold_seconds: int = 120
    # Work after the acknowledgement
    workers: int = WORKERS  # threads doing acknowledged work
    queue_limit: int = QUEUE_LIMIT  # work waiting for a thread (then "busy")
    reply_retry_seconds: int = REPLY_RETRY_SECONDS  # a refused reply is tried this long
    drain_seconds: float = 20.0  # SIGTERM: finish work this long, then leave it to the others

    @property
    def has_slack_tokens(self) -> bool:
        if self.mode == "http":
            return bool(self.slack_bot_token and self.slack_signing_secret)
        return bool(self.slack_bot_token and self.slack_app_token)

    @property
    def cloud(self) -> dict[str, str]:
        return CLOUDS[self.azure_cloud]

    @property
    def effective_arm_endpoint(self) -> str:
        return (self.arm_endpoint or self.cloud["arm_endpoint"]).rstrip("/")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every setting; raise ConfigError listing every bad value."""
        return _Reader(os.environ if env is None else env).build()

    def masked(self) -> dict[str, Any]:
        """The configuration as a dict with every secret replaced by a mask."""
        shown: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if key in SECRET_FIELDS and value:
                shown[key] = mask(str(value), keep_scheme=key == "redis_url")
            elif isinstance(value, tuple):
                shown[key] = list(value)
            else:
                shown[key] = value
        return shown


def mask(secret: str, keep_scheme: bool = False) -> str:
    """Hide a secret while keeping enough to tell which one it is (prefix or URL host)."""
    if keep_scheme and "://" in secret:
        scheme, rest = secret.split("://", 1)
        host = rest.rsplit("@", 1)[-1]
        return f"{scheme}://***@{host}" if "@" in rest else f"{scheme}://{host}"
    prefix = secret[:5] if secret.startswith(("xoxb-", "xapp-")) else ""
    return f"{prefix}***"


class _Reader:
    """Collects problems while reading so that all of them are reported together."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def text(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = (self.text(name) or default).lower()
        if value not in allowed:
            self.problems.append(f"{name}={value!r} is not one of: {', '.join(allowed)}")
            return default
        return value

    def number(
        self, name: str, default: T, convert: Callable[[str], T], low: float, high: float
    ) -> T:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = convert(raw)
        except ValueError:
            self.problems.append(f"{name}={raw!r} is not a number")
            return default
        if not low <= float(value) <= high:  # type: ignore[arg-type]
            self.problems.append(f"{name}={raw} must be between {low:g} and {high:g}")
            return default
        return value

    def id_list(self, name: str, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
        raw = self.text(name)
        if raw is None:
            return ()
        items = tuple(item.strip() for item in raw.split(",") if item.strip())
        bad = [item for item in items if not pattern.match(item)]
        if bad:
            self.problems.append(f"{name} has values that are not {what}: {', '.join(bad)}")
        return tuple(item for item in items if pattern.match(item))

    def build(self) -> Settings:
        mode = self.choice("ACRBOT_MODE", "socket", ("socket", "http"))
        slack_api_url = self.text("SLACK_API_URL")
        if slack_api_url and not slack_api_url.startswith(("http://", "https://")):
            self.problems.append("SLACK_API_URL must start with http:// or https://")
        redis_url = self.text("REDIS_URL")
        if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            self.problems.append("REDIS_URL must start with redis://, rediss:// or unix://")
        bot_token = self.text("SLACK_BOT_TOKEN")
        if bot_token and not bot_token.startswith("xoxb-"):
            self.problems.append("SLACK_BOT_TOKEN must be a bot token (it starts with xoxb-)")
        app_token = self.text("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            self.problems.append(
                "SLACK_APP_TOKEN must be an app-level token (it starts with xapp-)"
            )
        arm_endpoint = self.text("ACRBOT_ARM_ENDPOINT")
        if arm_endpoint and not arm_endpoint.startswith("https://"):
            self.problems.append("ACRBOT_ARM_ENDPOINT must start with https://")
        settings = Settings(
            slack_bot_token=bot_token,
            slack_app_token=app_token,
            slack_signing_secret=self.text("SLACK_SIGNING_SECRET"),
            slack_api_url=slack_api_url,
            mode=mode,
            port=self.number("PORT", 3000, int, 0, 65535),
            host=self.text("ACRBOT_HOST") or "0.0.0.0",  # noqa: S104
            redis_url=redis_url,
            redis_prefix=self.text("ACRBOT_REDIS_PREFIX") or "acrbot:",
            default_language=self.choice("ACRBOT_DEFAULT_LANGUAGE", "en", LANGUAGES),
            repeat_window_seconds=self.number("ACRBOT_REPEAT_WINDOW", 900, int, 0, 86400),
            match_threshold=self.number("ACRBOT_MATCH_THRESHOLD", None, float, 1, 100),
            knowledge_dir=self.text("ACRBOT_KNOWLEDGE_DIR"),
            credential=self.choice(
                "ACRBOT_CREDENTIAL",
                "default",
                ("managed-identity", "workload-identity", "azure-cli", "default"),
            ),
            azure_client_id=self.text("AZURE_CLIENT_ID"),
            azure_cloud=self.choice("ACRBOT_AZURE_CLOUD", "public", tuple(CLOUDS)),
            arm_endpoint=arm_endpoint,
            subscription_ids=self.id_list("AZURE_SUBSCRIPTION_ID", _GUID, "subscription GUIDs"),
            usage_cache_seconds=self.number("ACRBOT_USAGE_CACHE_SECONDS", 60, int, 0, 3600),
            confirm_seconds=self.number("ACRBOT_CONFIRM_SECONDS", 600, int, 1, 86400),
            azure_timeout_seconds=self.number("ACRBOT_AZURE_TIMEOUT", 20.0, float, 1, 300),
            admins=self.id_list("ACRBOT_ADMINS", _SLACK_ID, "Slack user ids (U…/W…)"),
            admin_groups=self.id_list(
                "ACRBOT_ADMIN_GROUPS", _SLACK_ID, "Slack user-group ids (S…)"
            ),
            allowed_registries=tuple(
                r.lower()
                for r in self.id_list("ACRBOT_ALLOWED_REGISTRIES", _REGISTRY_NAME, "registry names")
            ),
            allowed_channels=self.id_list(
                "ACRBOT_ALLOWED_CHANNELS", _SLACK_ID, "Slack channel ids"
            ),
            audit_channel=self.text("ACRBOT_AUDIT_CHANNEL"),
            metrics_port=self.number("ACRBOT_METRICS_PORT", 9090, int, 0, 65535),
            log_format=self.choice("ACRBOT_LOG_FORMAT", "json", ("json", "text")),
            log_level=self.choice(
                "ACRBOT_LOG_LEVEL", "info", ("debug", "info", "warning", "error")
            ).upper(),
            socket_down_threshold_seconds=self.number(
                "ACRBOT_SOCKET_DOWN_THRESHOLD", 120, int, 1, 86400
            ),
            workers=self.number("ACRBOT_WORKERS", WORKERS, int, 1, 256),
            queue_limit=self.number("ACRBOT_QUEUE_LIMIT", QUEUE_LIMIT, int, 0, 10000),
            reply_retry_seconds=self.number(
                "ACRBOT_REPLY_RETRY_SECONDS", REPLY_RETRY_SECONDS, int, 900, 86400
            ),
            drain_seconds=self.number("ACRBOT_DRAIN_SECONDS", 20.0, float, 1, 3600),
        )
        knowledge_problem = _knowledge_variable_problem(settings.knowledge_dir)
        if knowledge_problem:
            self.problems.append(knowledge_problem)
        if settings.mode == "http" and bot_token and not settings.slack_signing_secret:
            self.problems.append("ACRBOT_MODE=http needs SLACK_SIGNING_SECRET")
        if self.problems:
            raise ConfigError(self.problems)
        return settings


KNOWLEDGE_VARIABLE = "ACRBOT_KNOWLEDGE_DIR"


def _missing(path: str) -> str | None:
    """Why ``path`` cannot be a knowledge directory, or None when it is a directory."""
    if Path(path).is_dir():
        return None
    return "is not a directory" if Path(path).exists() else "does not exist"


def _knowledge_variable_problem(value: str | None) -> str | None:
    why = _missing(value) if value else None
    if why is None:
        return None
    return (
        f"{KNOWLEDGE_VARIABLE}={value} {why}; point it at a knowledge directory, or unset it "
        "to use the shipped one"
    )


def knowledge_directory(
    option: Path | None = None, env: Mapping[str, str] | None = None
) -> Path | None:
    """Where the knowledge base is read from: ``--dir``, else ``ACRBOT_KNOWLEDGE_DIR``, else
    None (the shipped one). Only that variable is read, so commands that need no other setting
    do not fail on an unrelated one; a directory that is not there is a ConfigError."""
    if option is not None:
        why = _missing(str(option))
        if why:
            raise ConfigError([f"--dir {option} {why}"])
        return option
    value = (os.environ if env is None else env).get(KNOWLEDGE_VARIABLE, "").strip() or None
    problem = _knowledge_variable_problem(value)
    if problem:
        raise ConfigError([problem])
    return Path(value) if value else None


def answer_language(option: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language the command line answers in: ``--lang``, else ACRBOT_DEFAULT_LANGUAGE,
    else English. Read alone, like the knowledge directory, so that a command needing no
    other setting does not fail on one; a value the bot does not speak means English here
    (the commands that read every setting report it)."""
    if option in LANGUAGES:
        return str(option)
    value = (os.environ if env is None else env).get("ACRBOT_DEFAULT_LANGUAGE", "")
    value = value.strip().lower()
    return value if value in LANGUAGES else LANGUAGES[0]


def valid_registry_name(name: str) -> bool:
    return bool(_REGISTRY_NAME.match(name))

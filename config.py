"""Settings of the bot, read from the environment once.

Each group of settings (serving, the bot's identity, language, the channel, storage,
telemetry) is one frozen dataclass that declares, reads and checks its settings;
`DefaultConfig` has them all.
"""

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Self
from urllib.parse import urlsplit

# The bot's version (pyproject.toml's): replies name it in their User-Agent.
VERSION = "0.1.0"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


SDKS = ("botbuilder", "agents")


def bot_sdk(environ: Mapping[str, str] = os.environ) -> str:
    """The SDK the bot runs on, `BOT_SDK`: `botbuilder` (the Bot Framework SDK, the default)
    or `agents` (the Microsoft 365 Agents SDK). It is read once, when the `sdk` package is
    first imported: the dialogs' classes derive from the chosen SDK's."""
    return _Environment(environ).choice("BOT_SDK", SDKS, SDKS[0])


@dataclass(frozen=True)
class ServingSettings:
    """Serving /api/messages."""

    HOST: str = "localhost"
    PORT: int = 3978
    MAX_REQUEST_BYTES: int = 256 * 1024
    BODY_TIMEOUT: float = 5.0
    MAX_CONNECTIONS: int = 1000
    SHUTDOWN_TIMEOUT: float = 10.0

    @classmethod
    def read(cls, env: "_Environment") -> Self:
        return cls(
            HOST=env.host("HOST", cls.HOST),
            PORT=env.port("PORT", cls.PORT),
            MAX_REQUEST_BYTES=env.count(
                "MAX_REQUEST_BYTES", cls.MAX_REQUEST_BYTES, least=1024, most=64 * 1024 * 1024
            ),
            BODY_TIMEOUT=env.number("BODY_TIMEOUT", cls.BODY_TIMEOUT, most=HOUR),
            MAX_CONNECTIONS=env.count("MAX_CONNECTIONS", cls.MAX_CONNECTIONS),
            SHUTDOWN_TIMEOUT=env.number("SHUTDOWN_TIMEOUT", cls.SHUTDOWN_TIMEOUT, most=HOUR),
        )

    def check_serving(self) -> None:
        if self.MAX_CONNECTIONS < 1:
            raise ConfigError(f"MAX_CONNECTIONS must be 1 or more, got {self.MAX_CONNECTIONS}")


@dataclass(frozen=True)
class IdentitySettings:
    """The bot's identity with the channel (and, as a managed identity, with storage)."""

    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "SingleTenant"
    APP_TENANTID: str = ""
    MANAGED_IDENTITY_CLIENT_ID: str = ""

    @classmethod
    def read(cls, env: "_Environment") -> Self:
        app_id = env.text("MicrosoftAppId")
        app_type = env.choice("MicrosoftAppType", APP_TYPES, cls.APP_TYPE)
        return cls(
            APP_ID=app_id,
            APP_PASSWORD=env.text("MicrosoftAppPassword"),
            APP_TYPE=app_type,
            APP_TENANTID=env.text("MicrosoftAppTenantId"),
            # azure-identity's own name for the managed identity to use; the bot's identity
            # by default, when it is one.
            MANAGED_IDENTITY_CLIENT_ID=env.stripped("AZURE_CLIENT_ID")
            or (app_id if app_type == "UserAssignedMSI" else ""),
        )

    def check_identity(self) -> None:
        values = {
            "MicrosoftAppId": self.APP_ID,
            "MicrosoftAppPassword": self.APP_PASSWORD,
            "MicrosoftAppTenantId": self.APP_TENANTID,
        }
        required = {
            "MultiTenant": ("MicrosoftAppId", "MicrosoftAppPassword"),
            "SingleTenant": ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"),
            "UserAssignedMSI": ("MicrosoftAppId", "MicrosoftAppTenantId"),
        }[self.APP_TYPE]
        _require(
            f"MicrosoftAppType is {self.APP_TYPE}", **{name: values[name] for name in required}
        )


@dataclass(frozen=True)
class LanguageSettings:
    """The language back end, and the recent date recognitions kept."""

    RECOGNIZER: str = "auto"
    RECOGNITION_CACHE_SIZE: int = 4096
    LUIS_APP_ID: str = ""
    LUIS_API_KEY: str = ""
    LUIS_API_HOST_NAME: str = ""
    CLU_ENDPOINT: str = ""
    CLU_API_KEY: str = ""
    CLU_PROJECT_NAME: str = ""
    CLU_DEPLOYMENT_NAME: str = ""

    @classmethod
    def read(cls, env: "_Environment") -> Self:
        return cls(
            RECOGNIZER=env.choice("RECOGNIZER", RECOGNIZERS, cls.RECOGNIZER),
            RECOGNITION_CACHE_SIZE=env.count("RECOGNITION_CACHE_SIZE", cls.RECOGNITION_CACHE_SIZE),
            LUIS_APP_ID=env.text("LuisAppId"),
            LUIS_API_KEY=env.text("LuisAPIKey"),
            LUIS_API_HOST_NAME=env.text("LuisAPIHostName"),
            CLU_ENDPOINT=env.text("CluEndpoint"),
            CLU_API_KEY=env.text("CluAPIKey"),
            CLU_PROJECT_NAME=env.text("CluProjectName"),
            CLU_DEPLOYMENT_NAME=env.text("CluDeploymentName"),
        )

    def check_language(self) -> None:
        chosen = {"luis": self.luis_settings, "clu": self.clu_settings}.get(self.RECOGNIZER)
        if chosen is not None:
            _require(f"RECOGNIZER is {self.RECOGNIZER}", **chosen)

    @property
    def luis_settings(self) -> dict[str, str]:
        return {
            "LuisAppId": self.LUIS_APP_ID,
            "LuisAPIKey": self.LUIS_API_KEY,
            "LuisAPIHostName": self.LUIS_API_HOST_NAME,
        }

    @property
    def clu_settings(self) -> dict[str, str]:
        return {
            "CluEndpoint": self.CLU_ENDPOINT,
            "CluAPIKey": self.CLU_API_KEY,
            "CluProjectName": self.CLU_PROJECT_NAME,
            "CluDeploymentName": self.CLU_DEPLOYMENT_NAME,
        }


@dataclass(frozen=True)
class ChannelSettings:
    """Calls to the channel: replies, and the token signing keys."""

    OUTBOUND_TIMEOUT: float = 5.0
    OUTBOUND_IDLE_TIMEOUT: float = 15.0
    HTTP_PROXY: str = ""
    HTTPS_PROXY: str = ""
    NO_PROXY: str = ""

    @classmethod
    def read(cls, env: "_Environment") -> Self:
        return cls(
            OUTBOUND_TIMEOUT=env.number("OUTBOUND_TIMEOUT", cls.OUTBOUND_TIMEOUT, most=HOUR),
            OUTBOUND_IDLE_TIMEOUT=env.number(
                "OUTBOUND_IDLE_TIMEOUT", cls.OUTBOUND_IDLE_TIMEOUT, most=HOUR
            ),
            HTTP_PROXY=env.proxy("HTTP_PROXY"),
            HTTPS_PROXY=env.proxy("HTTPS_PROXY"),
            NO_PROXY=env.proxy_setting("NO_PROXY")[1],
        )


@dataclass(frozen=True)
class StorageSettings:
    """Where conversation state is kept."""

    STORAGE: str = "memory"
    MEMORY_IDLE_TIMEOUT: float = 24 * 3600.0
    STORAGE_TIMEOUT: float = 3.0
    BLOB_CONNECTION_STRING: str = ""
    BLOB_SERVICE_URL: str = ""
    BLOB_CONTAINER_NAME: str = ""
    COSMOS_DB_ENDPOINT: str = ""
    COSMOS_DB_AUTH_KEY: str = ""
    COSMOS_DB_DATABASE_ID: str = ""
    COSMOS_DB_CONTAINER_ID: str = ""

    @classmethod
    def read(cls, env: "_Environment") -> Self:
        return cls(
            STORAGE=env.choice("STORAGE", STORAGES, cls.STORAGE),
            MEMORY_IDLE_TIMEOUT=env.number(
                "MEMORY_IDLE_TIMEOUT", cls.MEMORY_IDLE_TIMEOUT, most=366 * DAY
            ),
            STORAGE_TIMEOUT=env.number("STORAGE_TIMEOUT", cls.STORAGE_TIMEOUT, most=HOUR),
            BLOB_CONNECTION_STRING=env.stripped("BlobConnectionString"),
            BLOB_SERVICE_URL=env.stripped("BlobServiceUrl"),
            BLOB_CONTAINER_NAME=env.stripped("BlobContainerName"),
            COSMOS_DB_ENDPOINT=env.stripped("CosmosDbEndpoint"),
            COSMOS_DB_AUTH_KEY=env.stripped("CosmosDbAuthKey"),
            COSMOS_DB_DATABASE_ID=env.stripped("CosmosDbDatabaseId"),
            COSMOS_DB_CONTAINER_ID=env.stripped("CosmosDbContainerId"),
        )

    def check_storage(self) -> None:
        if self.STORAGE == "blob":
            self._check_blob()
        elif self.STORAGE == "cosmos":
            self._check_cosmos()

    def _check_blob(self) -> None:
        if self.BLOB_CONNECTION_STRING and self.BLOB_SERVICE_URL:
            raise ConfigError(
                "BlobConnectionString and BlobServiceUrl are both set: set one (the service URL "
                "to sign in with the app's identity, the connection string to use a key)"
            )
        if self.BLOB_SERVICE_URL:
            if not re.fullmatch(r"https://[^/\s]+(/[^\s]*)?", self.BLOB_SERVICE_URL):
                raise ConfigError(
                    "BlobServiceUrl must be the account's https URL, like "
                    f"https://<account>.blob.core.windows.net, got {self.BLOB_SERVICE_URL!r}"
                )
        elif self.BLOB_CONNECTION_STRING:
            _check_connection_string(self.BLOB_CONNECTION_STRING)
        else:
            raise ConfigError(
                "BlobConnectionString or BlobServiceUrl is required when STORAGE is blob"
            )
        _require("STORAGE is blob", BlobContainerName=self.BLOB_CONTAINER_NAME)
        if not BLOB_CONTAINER_NAME.fullmatch(self.BLOB_CONTAINER_NAME):
            raise ConfigError(
                "BlobContainerName must be 3 to 63 lowercase letters, digits and single hyphens, "
                f"starting and ending with a letter or digit, got {self.BLOB_CONTAINER_NAME!r}"
            )

    def _check_cosmos(self) -> None:
        _require("STORAGE is cosmos", CosmosDbEndpoint=self.COSMOS_DB_ENDPOINT)
        if not re.fullmatch(r"https?://[^/\s]+/?", self.COSMOS_DB_ENDPOINT):
            raise ConfigError(
                "CosmosDbEndpoint must be the account URL, like "
                f"https://<account>.documents.azure.com:443/, got {self.COSMOS_DB_ENDPOINT!r}"
            )
        if self.COSMOS_DB_AUTH_KEY and not _is_base64(self.COSMOS_DB_AUTH_KEY):
            raise ConfigError("CosmosDbAuthKey must be the account key (base64)")
        for name, value in (
            ("CosmosDbDatabaseId", self.COSMOS_DB_DATABASE_ID),
            ("CosmosDbContainerId", self.COSMOS_DB_CONTAINER_ID),
        ):
            _require("STORAGE is cosmos", **{name: value})
            if not COSMOS_ID.fullmatch(value):
                raise ConfigError(
                    f"{name} must be at most 255 characters without / \\ ? or #, got {value!r}"
                )


@dataclass(frozen=True)
class TelemetrySettings:
    """Where traces and metrics go (nowhere unless set), and the log's format."""

    APPLICATIONINSIGHTS_CONNECTION_STRING: str = ""
    OTEL_EXPORTER_OTLP_ENDPOINT: str = ""
    LOG_FORMAT: str = "text"

    @classmethod
    def read(cls, env: "_Environment") -> Self:
        return cls(
            APPLICATIONINSIGHTS_CONNECTION_STRING=_connection_string(
                env.stripped("APPLICATIONINSIGHTS_CONNECTION_STRING")
            ),
            OTEL_EXPORTER_OTLP_ENDPOINT=env.stripped("OTEL_EXPORTER_OTLP_ENDPOINT"),
            LOG_FORMAT=env.choice("LOG_FORMAT", LOG_FORMATS, cls.LOG_FORMAT),
        )

    @staticmethod
    def check_exporter_settings(env: "_Environment") -> None:
        """The OpenTelemetry SDK's own settings, which it reads from the environment when an
        exporter starts, and which stop it with a traceback there when out of range."""
        for name in OTEL_MILLISECONDS:
            env.count(name, 1, least=1, most=24 * 3600 * 1000)
        queue = env.count("OTEL_BSP_MAX_QUEUE_SIZE", 2048, least=1, most=1_000_000)
        batch = env.count("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, least=1, most=1_000_000)
        if batch > queue:
            raise ConfigError(
                f"OTEL_BSP_MAX_EXPORT_BATCH_SIZE must be at most OTEL_BSP_MAX_QUEUE_SIZE ({queue}), "
                f"got {batch}"
            )

    def check_telemetry(self) -> None:
        endpoint = self.OTEL_EXPORTER_OTLP_ENDPOINT
        if endpoint and not re.fullmatch(r"https?://[^/\s]+(/[^\s]*)?", endpoint):
            raise ConfigError(
                "OTEL_EXPORTER_OTLP_ENDPOINT must be the collector's http(s) URL, like "
                f"http://localhost:4318, got {endpoint!r}"
            )
        if self.APPLICATIONINSIGHTS_CONNECTION_STRING:
            _check_application_insights(self.APPLICATIONINSIGHTS_CONNECTION_STRING)


GROUPS = (
    ServingSettings,
    IdentitySettings,
    LanguageSettings,
    ChannelSettings,
    StorageSettings,
    TelemetrySettings,
)


@dataclass(frozen=True)
class DefaultConfig(
    ServingSettings,
    IdentitySettings,
    LanguageSettings,
    ChannelSettings,
    StorageSettings,
    TelemetrySettings,
):
    """Bot settings: every group's, as one flat object.

    The UPPER_CASE names are the ones botbuilder's
    ``ConfigurationBotFrameworkAuthentication`` looks up on this object.
    """

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "DefaultConfig":
        env = _Environment(environ)
        settings: dict[str, Any] = {}
        for group in GROUPS:
            settings |= asdict(group.read(env))
        TelemetrySettings.check_exporter_settings(env)
        config = cls(**settings)
        config.check(local=not _identity_given(environ))
        return config

    def check(self, *, local: bool = False) -> None:
        """Fail at start, naming the setting, rather than on the first message.

        `local`: no identity setting was given at all, which is local development with
        authentication off; the identity's settings are not required then. Any one of them
        given makes every setting its type needs required, so that a half-made identity
        never starts the bot with authentication off.
        """
        self.check_serving()
        if not local:
            self.check_identity()
        self.check_language()
        self.check_storage()
        self.check_telemetry()


HOUR = 3600.0
DAY = 24 * HOUR
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
IDENTITY_SETTINGS = (
    "MicrosoftAppId",
    "MicrosoftAppPassword",
    "MicrosoftAppType",
    "MicrosoftAppTenantId",
)
RECOGNIZERS = ("auto", "embedded", "luis", "clu", "none")
STORAGES = ("memory", "blob", "cosmos")
LOG_FORMATS = ("text", "json")
BLOB_CONTAINER_NAME = re.compile(r"(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
COSMOS_ID = re.compile(r"[^/\\?#]{1,255}")
INSTRUMENTATION_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The OpenTelemetry SDK's settings in milliseconds.
OTEL_MILLISECONDS = (
    "OTEL_METRIC_EXPORT_INTERVAL",
    "OTEL_METRIC_EXPORT_TIMEOUT",
    "OTEL_BSP_SCHEDULE_DELAY",
    "OTEL_BSP_EXPORT_TIMEOUT",
)


def _identity_given(environ: Mapping[str, str]) -> bool:
    """True when any identity setting has a value. One spelt in another case
    (`MicrosoftAppID`) stops the app: the bot would not read it, and would start with
    authentication off."""
    spelt = {name.lower(): name for name in IDENTITY_SETTINGS}
    for name, value in environ.items():
        meant = spelt.get(name.lower())
        if meant and meant != name and value.strip():
            raise ConfigError(f"{name} is not a setting: its name is {meant}")
    return any(environ.get(name, "").strip() for name in IDENTITY_SETTINGS)


def _require(when: str, **settings: str) -> None:
    for name, value in settings.items():
        if not value.strip():
            raise ConfigError(f"{name} is required when {when}")


def _check_connection_string(raw: str) -> None:
    """The checks azure-storage-blob makes later, made now; the secret is never echoed."""
    parts = [part.split("=", 1) for part in raw.rstrip(";").split(";")]
    if any(len(part) != 2 for part in parts):
        raise ConfigError(
            "BlobConnectionString is malformed: it must be Name=value pairs split by ;"
        )
    fields = dict(parts)
    if not ("AccountName" in fields and "AccountKey" in fields) and not fields.get(
        "SharedAccessSignature"
    ):
        raise ConfigError(
            "BlobConnectionString must hold AccountName and AccountKey, or SharedAccessSignature"
        )
    if "AccountKey" in fields and not _is_base64(fields["AccountKey"]):
        raise ConfigError("BlobConnectionString: its AccountKey is not base64")
    if "BlobEndpoint" not in fields and "AccountName" not in fields:
        raise ConfigError("BlobConnectionString must hold BlobEndpoint or AccountName")


def _connection_string(raw: str) -> str:
    """An Application Insights connection string without the spaces and empty parts that
    its exporter cannot parse (`Name = value;` as pasted)."""
    parts = (part.split("=", 1) for part in raw.split(";") if part.strip())
    return ";".join("=".join(side.strip() for side in part) for part in parts)


def _check_application_insights(connection_string: str) -> None:
    """The checks Azure Monitor's exporter makes when telemetry starts, made now."""
    copy = "copy it from the Application Insights resource's Overview page"
    fields: dict[str, str] = {}
    for part in connection_string.split(";"):
        name, equals, value = part.partition("=")
        if not equals or "=" in value:
            raise ConfigError(
                f"APPLICATIONINSIGHTS_CONNECTION_STRING is malformed: it must be Name=value pairs "
                f"split by ;: {copy}"
            )
        fields[name.lower()] = value
    key = fields.get("instrumentationkey")
    if not key:
        raise ConfigError(
            f"APPLICATIONINSIGHTS_CONNECTION_STRING must hold InstrumentationKey=...: {copy}"
        )
    if not INSTRUMENTATION_KEY.fullmatch(key):
        raise ConfigError(
            "APPLICATIONINSIGHTS_CONNECTION_STRING: its InstrumentationKey must be a GUID in "
            f"lower case: {copy}"
        )
    if fields.get("authorization", "ikey").lower() != "ikey":
        raise ConfigError("APPLICATIONINSIGHTS_CONNECTION_STRING: Authorization must be ikey")


def _is_base64(raw: str) -> bool:
    try:
        return bool(base64.b64decode(raw, validate=True))
    except (binascii.Error, ValueError):
        return False


class _Environment:
    """Reads settings from the environment, each by the kind of value it holds; an error
    names the variable."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def text(self, name: str, default: str = "") -> str:
        return self._environ.get(name, default)

    def stripped(self, name: str) -> str:
        return self._environ.get(name, "").strip()

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        """One of `choices`, in any case; `default` when unset or empty."""
        raw = self._environ.get(name) or default
        for choice in choices:
            if raw.lower() == choice.lower():
                return choice
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")

    def port(self, name: str, default: int) -> int:
        raw = self._environ.get(name, str(default))
        try:
            port = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if not 0 <= port <= 65535:
            raise ConfigError(f"{name} must be between 0 and 65535, got {port}")
        return port

    def host(self, name: str, default: str) -> str:
        """A host name or address to listen on; `default` when unset. Set but empty, it is
        refused: aiohttp would listen on every interface."""
        raw = self._environ.get(name)
        if raw is None:
            return default
        if not raw.strip() or any(char.isspace() for char in raw.strip()):
            raise ConfigError(
                f"{name} must be a host name or address of this machine to listen on, like "
                f"localhost or 0.0.0.0, got {raw!r}"
            )
        return raw.strip()

    def number(self, name: str, default: float, *, most: float) -> float:
        """A number of seconds greater than 0 and at most `most`; `default` when unset or
        empty."""
        raw = self._environ.get(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a number, got {raw!r}") from None
        if not value > 0:
            raise ConfigError(f"{name} must be greater than 0, got {raw!r}")
        if not value <= most:
            raise ConfigError(f"{name} must be a number of seconds up to {most:.0f}, got {raw!r}")
        return value

    def count(self, name: str, default: int, *, least: int = 0, most: int = 2**31 - 1) -> int:
        """A whole number from `least` to `most`; `default` when unset or empty."""
        raw = self._environ.get(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        if value < least and least == 0:
            raise ConfigError(f"{name} must be 0 or more, got {raw!r}")
        if not least <= value <= most:
            raise ConfigError(f"{name} must be a whole number from {least} to {most}, got {raw!r}")
        return value

    def proxy_setting(self, name: str) -> tuple[str, str]:
        """The variable and its value, as curl and Python's urllib read proxy settings: the
        lowercase name (`https_proxy`) first, then the uppercase."""
        for variant in (name.lower(), name):
            if value := self._environ.get(variant, "").strip():
                return variant, value
        return name, ""

    def proxy(self, name: str) -> str:
        """A proxy's URL, `http://` added when it has no scheme; the message never echoes it,
        for it may hold a password."""
        variant, raw = self.proxy_setting(name)
        if not raw:
            return ""
        url = raw if "://" in raw else f"http://{raw}"
        parts = urlsplit(url)
        if parts.scheme == "https":
            raise ConfigError(
                f"{variant}: a proxy reached over https:// is not supported; give its http:// "
                "address (replies to an https channel still go through the proxy's tunnel in TLS)"
            )
        try:
            parts.port  # noqa: B018 (raises on a port that is not a number from 0 to 65535)
        except ValueError:
            raise ConfigError(f"{variant} has a malformed port") from None
        if parts.scheme != "http" or not parts.hostname:
            raise ConfigError(
                f"{variant} must be a proxy's address, like http://proxy.example.com:3128"
            )
        return url

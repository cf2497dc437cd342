"""Settings of the bot, read from the environment once."""

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class DefaultConfig:
    """Bot settings.

    The UPPER_CASE names are the ones botbuilder's
    ``ConfigurationBotFrameworkAuthentication`` looks up on this object.
    """

    HOST: str = "localhost"
    PORT: int = 3978
    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "SingleTenant"
    APP_TENANTID: str = ""
    MANAGED_IDENTITY_CLIENT_ID: str = ""
    LUIS_APP_ID: str = ""
    LUIS_API_KEY: str = ""
    LUIS_API_HOST_NAME: str = ""
    RECOGNIZER: str = "auto"
    CLU_ENDPOINT: str = ""
    CLU_API_KEY: str = ""
    CLU_PROJECT_NAME: str = ""
    CLU_DEPLOYMENT_NAME: str = ""
    MAX_REQUEST_BYTES: int = 256 * 1024
    BODY_TIMEOUT: float = 5.0
    MAX_CONNECTIONS: int = 1000
    OUTBOUND_TIMEOUT: float = 5.0
    OUTBOUND_IDLE_TIMEOUT: float = 15.0
    HTTP_PROXY: str = ""
    HTTPS_PROXY: str = ""
    NO_PROXY: str = ""
    SHUTDOWN_TIMEOUT: float = 10.0
    RECOGNITION_CACHE_SIZE: int = 4096
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
    APPLICATIONINSIGHTS_CONNECTION_STRING: str = ""
    OTEL_EXPORTER_OTLP_ENDPOINT: str = ""
    LOG_FORMAT: str = "text"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "DefaultConfig":
        app_id = environ.get("MicrosoftAppId", "")
        app_type = _choice(
            "MicrosoftAppType", environ.get("MicrosoftAppType") or cls.APP_TYPE, APP_TYPES
        )
        config = cls(
            HOST=environ.get("HOST", cls.HOST),
            PORT=_port(environ.get("PORT", str(cls.PORT))),
            APP_ID=app_id,
            APP_PASSWORD=environ.get("MicrosoftAppPassword", ""),
            APP_TYPE=app_type,
            APP_TENANTID=environ.get("MicrosoftAppTenantId", ""),
            # azure-identity's own name for the managed identity to use; the bot's identity
            # by default, when it is one.
            MANAGED_IDENTITY_CLIENT_ID=environ.get("AZURE_CLIENT_ID", "").strip()
            or (app_id if app_type == "UserAssignedMSI" else ""),
            LUIS_APP_ID=environ.get("LuisAppId", ""),
            LUIS_API_KEY=environ.get("LuisAPIKey", ""),
            LUIS_API_HOST_NAME=environ.get("LuisAPIHostName", ""),
            RECOGNIZER=_choice("RECOGNIZER", environ.get("RECOGNIZER") or "auto", RECOGNIZERS),
            CLU_ENDPOINT=environ.get("CluEndpoint", ""),
            CLU_API_KEY=environ.get("CluAPIKey", ""),
            CLU_PROJECT_NAME=environ.get("CluProjectName", ""),
            CLU_DEPLOYMENT_NAME=environ.get("CluDeploymentName", ""),
            MAX_REQUEST_BYTES=int(
                _number(
                    "MAX_REQUEST_BYTES", environ.get("MAX_REQUEST_BYTES"), cls.MAX_REQUEST_BYTES
                )
            ),
            BODY_TIMEOUT=_number("BODY_TIMEOUT", environ.get("BODY_TIMEOUT"), cls.BODY_TIMEOUT),
            MAX_CONNECTIONS=_count(
                "MAX_CONNECTIONS", environ.get("MAX_CONNECTIONS"), cls.MAX_CONNECTIONS
            ),
            OUTBOUND_TIMEOUT=_number(
                "OUTBOUND_TIMEOUT", environ.get("OUTBOUND_TIMEOUT"), cls.OUTBOUND_TIMEOUT
            ),
            OUTBOUND_IDLE_TIMEOUT=_number(
                "OUTBOUND_IDLE_TIMEOUT",
                environ.get("OUTBOUND_IDLE_TIMEOUT"),
                cls.OUTBOUND_IDLE_TIMEOUT,
            ),
            HTTP_PROXY=_proxy(*_proxy_setting(environ, "HTTP_PROXY")),
            HTTPS_PROXY=_proxy(*_proxy_setting(environ, "HTTPS_PROXY")),
            NO_PROXY=_proxy_setting(environ, "NO_PROXY")[1],
            SHUTDOWN_TIMEOUT=_number(
                "SHUTDOWN_TIMEOUT", environ.get("SHUTDOWN_TIMEOUT"), cls.SHUTDOWN_TIMEOUT
            ),
            RECOGNITION_CACHE_SIZE=_count(
                "RECOGNITION_CACHE_SIZE",
                environ.get("RECOGNITION_CACHE_SIZE"),
                cls.RECOGNITION_CACHE_SIZE,
            ),
            STORAGE=_choice("STORAGE", environ.get("STORAGE") or cls.STORAGE, STORAGES),
            MEMORY_IDLE_TIMEOUT=_number(
                "MEMORY_IDLE_TIMEOUT", environ.get("MEMORY_IDLE_TIMEOUT"), cls.MEMORY_IDLE_TIMEOUT
            ),
            STORAGE_TIMEOUT=_number(
                "STORAGE_TIMEOUT", environ.get("STORAGE_TIMEOUT"), cls.STORAGE_TIMEOUT
            ),
            BLOB_CONNECTION_STRING=environ.get("BlobConnectionString", "").strip(),
            BLOB_SERVICE_URL=environ.get("BlobServiceUrl", "").strip(),
            BLOB_CONTAINER_NAME=environ.get("BlobContainerName", "").strip(),
            COSMOS_DB_ENDPOINT=environ.get("CosmosDbEndpoint", "").strip(),
            COSMOS_DB_AUTH_KEY=environ.get("CosmosDbAuthKey", "").strip(),
            COSMOS_DB_DATABASE_ID=environ.get("CosmosDbDatabaseId", "").strip(),
            COSMOS_DB_CONTAINER_ID=environ.get("CosmosDbContainerId", "").strip(),
            APPLICATIONINSIGHTS_CONNECTION_STRING=environ.get(
                "APPLICATIONINSIGHTS_CONNECTION_STRING", ""
            ).strip(),
            OTEL_EXPORTER_OTLP_ENDPOINT=environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip(),
            LOG_FORMAT=_choice("LOG_FORMAT", environ.get("LOG_FORMAT") or "text", LOG_FORMATS),
        )
        config.check(local=not app_id and not environ.get("MicrosoftAppType"))
        return config

    def check(self, *, local: bool = False) -> None:
        """Fail at start, naming the setting, rather than on the first message.

        `local`: neither MicrosoftAppId nor MicrosoftAppType was given, which is local
        development with authentication off; the identity's settings are not required then.
        """
        required = {
            "SingleTenant": ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"),
            "UserAssignedMSI": ("MicrosoftAppId", "MicrosoftAppTenantId"),
        }.get(self.APP_TYPE, ())
        if local:
            required = ()
        values = {
            "MicrosoftAppId": self.APP_ID,
            "MicrosoftAppPassword": self.APP_PASSWORD,
            "MicrosoftAppTenantId": self.APP_TENANTID,
        }
        if self.MAX_CONNECTIONS < 1:
            raise ConfigError(f"MAX_CONNECTIONS must be 1 or more, got {self.MAX_CONNECTIONS}")
        for name in required:
            if not values[name]:
                raise ConfigError(f"{name} is required when MicrosoftAppType is {self.APP_TYPE}")
        chosen = {"luis": self.luis_settings, "clu": self.clu_settings}.get(self.RECOGNIZER)
        if chosen is not None:
            for name, value in chosen.items():
                if not value:
                    raise ConfigError(f"{name} is required when RECOGNIZER is {self.RECOGNIZER}")
        if self.STORAGE == "blob":
            self._check_blob()
        elif self.STORAGE == "cosmos":
            self._check_cosmos()
        self._check_telemetry()

    def _check_telemetry(self) -> None:
        endpoint = self.OTEL_EXPORTER_OTLP_ENDPOINT
        if endpoint and not re.fullmatch(r"https?://[^/\s]+(/[^\s]*)?", endpoint):
            raise ConfigError(
                "OTEL_EXPORTER_OTLP_ENDPOINT must be the collector's http(s) URL, like "
                f"http://localhost:4318, got {endpoint!r}"
            )
        connection_string = self.APPLICATIONINSIGHTS_CONNECTION_STRING
        if connection_string and not re.search(
            r"(^|;)\s*InstrumentationKey\s*=\s*[^;\s]", connection_string, re.IGNORECASE
        ):
            raise ConfigError(
                "APPLICATIONINSIGHTS_CONNECTION_STRING must hold InstrumentationKey=...: copy it "
                "from the Application Insights resource's Overview page"
            )

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


APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
RECOGNIZERS = ("auto", "embedded", "luis", "clu", "none")
STORAGES = ("memory", "blob", "cosmos")
LOG_FORMATS = ("text", "json")
BLOB_CONTAINER_NAME = re.compile(r"(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")
COSMOS_ID = re.compile(r"[^/\\?#]{1,255}")


def _require(when: str, **settings: str) -> None:
    for name, value in settings.items():
        if not value:
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


def _is_base64(raw: str) -> bool:
    try:
        return bool(base64.b64decode(raw, validate=True))
    except (binascii.Error, ValueError):
        return False


def _proxy_setting(environ: Mapping[str, str], name: str) -> tuple[str, str]:
    """The variable and its value, as curl and Python's urllib read proxy settings: the
    lowercase name (`https_proxy`) first, then the uppercase."""
    for variant in (name.lower(), name):
        if value := environ.get(variant, "").strip():
            return variant, value
    return name, ""


def _proxy(name: str, raw: str) -> str:
    """A proxy's URL, `http://` added when it has no scheme; the message never echoes it,
    for it may hold a password."""
    if not raw:
        return ""
    url = raw if "://" in raw else f"http://{raw}"
    parts = urlsplit(url)
    if parts.scheme == "https":
        raise ConfigError(
            f"{name}: a proxy reached over https:// is not supported; give its http:// address "
            "(replies to an https channel still go through the proxy's tunnel in TLS)"
        )
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number from 0 to 65535)
    except ValueError:
        raise ConfigError(f"{name} has a malformed port") from None
    if parts.scheme != "http" or not parts.hostname:
        raise ConfigError(f"{name} must be a proxy's address, like http://proxy.example.com:3128")
    return url


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"PORT must be a whole number, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be between 0 and 65535, got {port}")
    return port


def _number(name: str, raw: str | None, default: float) -> float:
    """A positive number of bytes or seconds; `default` when unset."""
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value > 0:
        raise ConfigError(f"{name} must be greater than 0, got {raw!r}")
    return value


def _count(name: str, raw: str | None, default: int) -> int:
    """A whole number, 0 or more; `default` when unset."""
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must be 0 or more, got {raw!r}")
    return value


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")

"""Settings of the bot, read from the environment once."""

import os
from collections.abc import Mapping
from dataclasses import dataclass


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
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""
    LUIS_APP_ID: str = ""
    LUIS_API_KEY: str = ""
    LUIS_API_HOST_NAME: str = ""
    RECOGNIZER: str = "auto"
    CLU_ENDPOINT: str = ""
    CLU_API_KEY: str = ""
    CLU_PROJECT_NAME: str = ""
    CLU_DEPLOYMENT_NAME: str = ""
    MAX_REQUEST_BYTES: int = 256 * 1024
    OUTBOUND_TIMEOUT: float = 5.0
    SHUTDOWN_TIMEOUT: float = 10.0
    RECOGNITION_CACHE_SIZE: int = 4096

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "DefaultConfig":
        config = cls(
            HOST=environ.get("HOST", cls.HOST),
            PORT=_port(environ.get("PORT", str(cls.PORT))),
            APP_ID=environ.get("MicrosoftAppId", ""),
            APP_PASSWORD=environ.get("MicrosoftAppPassword", ""),
            APP_TYPE=_choice(
                "MicrosoftAppType", environ.get("MicrosoftAppType") or cls.APP_TYPE, APP_TYPES
            ),
            APP_TENANTID=environ.get("MicrosoftAppTenantId", ""),
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
            OUTBOUND_TIMEOUT=_number(
                "OUTBOUND_TIMEOUT", environ.get("OUTBOUND_TIMEOUT"), cls.OUTBOUND_TIMEOUT
            ),
            SHUTDOWN_TIMEOUT=_number(
                "SHUTDOWN_TIMEOUT", environ.get("SHUTDOWN_TIMEOUT"), cls.SHUTDOWN_TIMEOUT
            ),
            RECOGNITION_CACHE_SIZE=_count(
                "RECOGNITION_CACHE_SIZE",
                environ.get("RECOGNITION_CACHE_SIZE"),
                cls.RECOGNITION_CACHE_SIZE,
            ),
        )
        config.check()
        return config

    def check(self) -> None:
        """Fail at start, naming the setting, rather than on the first message."""
        required = {
            "SingleTenant": ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppTenantId"),
            "UserAssignedMSI": ("MicrosoftAppId", "MicrosoftAppTenantId"),
        }.get(self.APP_TYPE, ())
        values = {
            "MicrosoftAppId": self.APP_ID,
            "MicrosoftAppPassword": self.APP_PASSWORD,
            "MicrosoftAppTenantId": self.APP_TENANTID,
        }
        for name in required:
            if not values[name]:
                raise ConfigError(f"{name} is required when MicrosoftAppType is {self.APP_TYPE}")
        chosen = {"luis": self.luis_settings, "clu": self.clu_settings}.get(self.RECOGNIZER)
        if chosen is not None:
            for name, value in chosen.items():
                if not value:
                    raise ConfigError(f"{name} is required when RECOGNIZER is {self.RECOGNIZER}")

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

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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "DefaultConfig":
        config = cls(
            HOST=environ.get("HOST", cls.HOST),
            PORT=_port(environ.get("PORT", str(cls.PORT))),
            APP_ID=environ.get("MicrosoftAppId", ""),
            APP_PASSWORD=environ.get("MicrosoftAppPassword", ""),
            APP_TYPE=_app_type(environ.get("MicrosoftAppType") or cls.APP_TYPE),
            APP_TENANTID=environ.get("MicrosoftAppTenantId", ""),
            LUIS_APP_ID=environ.get("LuisAppId", ""),
            LUIS_API_KEY=environ.get("LuisAPIKey", ""),
            LUIS_API_HOST_NAME=environ.get("LuisAPIHostName", ""),
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


_APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"PORT must be a whole number, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be between 0 and 65535, got {port}")
    return port


def _app_type(raw: str) -> str:
    for app_type in _APP_TYPES:
        if raw.lower() == app_type.lower():
            return app_type
    raise ConfigError(f"MicrosoftAppType must be one of {', '.join(_APP_TYPES)}, got {raw!r}")

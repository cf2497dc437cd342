"""LUIS's three settings, checked as botbuilder-ai's LuisApplication checks them, for either
build's LUIS client, with messages that name the setting and never show the key."""

from urllib.parse import urlparse
from uuid import UUID

from config import ConfigError


def luis_endpoint(app_id: str, key: str, host: str) -> str:
    """The endpoint `host` names (`https://` is added unless a scheme is given), once the
    settings are what LUIS takes; ConfigError naming the first that is not."""
    endpoint = host if "://" in host else f"https://{host}"
    if not _is_guid(app_id):
        raise ConfigError(f'LuisAppId must be a LUIS application id (a GUID), got "{app_id}"')
    if not _is_guid(key):
        # The key is a secret: it is not shown, even malformed.
        raise ConfigError("LuisAPIKey must be a LUIS subscription key (a GUID); it is not one")
    try:
        urlparse(endpoint)
    except ValueError:
        raise ConfigError(f'LuisAPIHostName is not a valid LUIS endpoint: "{endpoint}"') from None
    return endpoint


def _is_guid(text: str) -> bool:
    # What uuid.UUID reads, as LuisApplication asks it: braces, a urn: prefix or no hyphens too.
    try:
        UUID(text, version=4)
    except ValueError:
        return False
    return True

"""Authentication on the Agents SDK, as botbuilder's: the token a request carries, checked;
the token the bot's replies carry, fetched.

Without an app id (local development with the Emulator) authentication is off, as in the
botbuilder build: a request without a token is taken, anonymous, and replies are not signed.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import ClaimsIdentity

from channel.signing_keys import OpenIdMetadata
from channel.token_services import PUBLIC_CLOUD, TokenServices
from config import DefaultConfig
from sdk.agents.bot_token import BotToken, bot_token
from sdk.agents.token_validator import TokenValidator, configuration

if TYPE_CHECKING:
    from channel.connector import ReplyAuth

ANONYMOUS = "anonymous"
ANONYMOUS_SKILL = "AnonymousSkill"  # the app id of a skill called with authentication off
BOT_FRAMEWORK = "https://api.botframework.com"  # the audience of a token for the channel
# The issuers of the Emulator's tokens, as botbuilder 4.17.1 knows them
# (EmulatorValidation.TO_BOT_FROM_EMULATOR_TOKEN_VALIDATION_PARAMETERS).
EMULATOR_ISSUERS = (
    "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/",
    "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0",
    "https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
    "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
    "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
    "https://sts.windows.net/cab8a31a-1906-4287-a0d8-4eef66b95f6e/",
    "https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0",
    "https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
    "https://login.microsoftonline.us/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
)


@dataclass(frozen=True)
class Authenticated:
    """What authenticating a request found out."""

    claims: ClaimsIdentity


class Authentication:
    """Checks the token of each request, and signs the replies, as the `MicrosoftApp*`
    settings say, with the token services at `services`' addresses.

    A token is checked as botbuilder 4.17.1 checks it (its JwtTokenValidation):
    - A channel's: from the channel's issuer, signed by one of the channel's keys endorsed
      for the activity's channel, for the bot (audience: the app id), unexpired, its
      `serviceurl` claim the activity's serviceUrl.
    - The Emulator's (an EMULATOR_ISSUERS issuer): signed by one of the Emulator's keys,
      unexpired, for the bot, naming it in `appid` (version 1.0) or `azp` (2.0).
      botbuilder checks no audience here, but its turn then fails (500) for any but the
      app id: its connector factory takes the audience for the bot's app id.
    - A skill's (another bot calling this one) is refused, as botbuilder refuses it without
      a claims validator: this bot is no skill host.
    The SDK's JwtTokenValidator does the checks it has (sdk/agents/token_validator.py);
    the rest is here.
    """

    def __init__(self, config: DefaultConfig, services: TokenServices = PUBLIC_CLOUD) -> None:
        self.app_id = config.APP_ID
        self.channel_issuer = services.channel_issuer
        timeout = config.OUTBOUND_TIMEOUT
        channel_keys = OpenIdMetadata(services.channel_metadata_url, timeout=timeout)
        emulator_keys = OpenIdMetadata(services.emulator_metadata_url, timeout=timeout)
        self._channel = TokenValidator(
            configuration(self.app_id, [services.channel_issuer]), channel_keys
        )
        self._emulator = TokenValidator(
            configuration(self.app_id, list(EMULATOR_ISSUERS)), emulator_keys
        )
        self._reply_auth: BotToken | None = None
        if self.app_id:
            self._reply_auth = bot_token(
                self.app_id,
                config.APP_PASSWORD,
                config.APP_TYPE,
                config.APP_TENANTID,
                services,
                timeout,
            )

    async def authenticate(self, activity: Activity, header: str) -> Authenticated:
        """The request's claims; raises SigningKeysUnavailable, or another exception for a
        token that does not hold."""
        if not header:
            if self.app_id:
                raise PermissionError("no token")
            return Authenticated(ClaimsIdentity({}, ANONYMOUS))
        if not self.app_id:
            # As botbuilder does: a token is checked even with authentication off, and with
            # no app id none can be valid.
            raise PermissionError("a token for no app id")
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token or " " in token:
            raise PermissionError("not a bearer token")
        claims = jwt.decode(token, options={"verify_signature": False})
        if is_skill_claim(claims):
            raise PermissionError("a skill's token: this bot is no skill host")
        # The issuer first, as botbuilder: a token from anyone else costs no key fetch. The
        # SDK's validator would take Microsoft's first-party issuers too.
        issuer = claims.get("iss")
        if issuer in EMULATOR_ISSUERS:
            identity = await self._emulator_identity(token, activity)
        elif issuer == self.channel_issuer:
            identity = await self._channel_identity(token, activity)
        else:
            raise PermissionError("neither the channel's issuer nor the Emulator's")
        return Authenticated(identity)

    async def _channel_identity(self, token: str, activity: Activity) -> ClaimsIdentity:
        identity = await self._channel.validate(token, activity.channel_id)
        service_url = activity.service_url
        if service_url is not None and identity.get_claim_value("serviceurl") != service_url:
            raise PermissionError("the serviceurl claim is not the activity's serviceUrl")
        return identity

    async def _emulator_identity(self, token: str, activity: Activity) -> ClaimsIdentity:
        identity = await self._emulator.validate(token, activity.channel_id)
        if identity.get_claim_value("ver") is None:
            raise PermissionError("an Emulator token without a version")
        if app_id_of(identity.claims) != self.app_id:
            raise PermissionError("an Emulator token for another app")
        return identity

    def reply_auth(self, service_url: str | None) -> "ReplyAuth | None":
        """What signs the replies: the bot's token for the channel (None with
        authentication off)."""
        return self._reply_auth


def app_id_of(claims: dict[str, Any]) -> str | None:
    """The app a token was issued to, as botbuilder reads it: `appid` in a version 1.0
    token (or one without a version), `azp` in a 2.0 one."""
    version = claims.get("ver")
    if not version or version == "1.0":
        return claims.get("appid")
    if version == "2.0":
        return claims.get("azp")
    return None


def is_skill_claim(claims: dict[str, Any]) -> bool:
    """Whether a token is another bot's, calling this one as a skill (botbuilder's
    SkillValidation.is_skill_claim)."""
    if claims.get("appid") == ANONYMOUS_SKILL:
        return True
    audience = claims.get("aud")
    if "ver" not in claims or not audience or audience == BOT_FRAMEWORK:
        return False
    app_id = app_id_of(claims)
    return bool(app_id) and app_id != audience


def authentication(config: DefaultConfig, services: TokenServices = PUBLIC_CLOUD) -> Authentication:
    return Authentication(config, services)

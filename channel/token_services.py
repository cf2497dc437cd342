"""Where the Bot Framework's token services are: the keys that sign the tokens the bot is
sent, the issuer those tokens name, and the Microsoft Entra ID authority the bot gets its
own tokens from. Both builds take them from here (sdk/<build>/auth.py); the public cloud's
are the default, and tests give local stand-ins' addresses."""

from dataclasses import dataclass

MULTI_TENANT = "botframework.com"  # the tenant a MultiTenant bot gets its tokens in


@dataclass(frozen=True)
class TokenServices:
    """The addresses of the Bot Framework's token services.

    `validate_authority`: msal asks login.microsoftonline.com whether an authority host it
    does not know is a Microsoft Entra ID instance; an authority Microsoft does not run
    (a private cloud's, a local stand-in) must be taken as given instead.
    """

    channel_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    emulator_metadata_url: str = (
        "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
    )
    channel_issuer: str = "https://api.botframework.com"
    authority: str = "https://login.microsoftonline.com"
    scope: str = "https://api.botframework.com"
    validate_authority: bool = True

    def authority_for(self, tenant: str) -> str:
        """The authority the bot signs in at: its tenant's (SingleTenant), or the Bot
        Framework's (MultiTenant: `tenant` empty)."""
        return f"{self.authority.rstrip('/')}/{tenant or MULTI_TENANT}"


PUBLIC_CLOUD = TokenServices()

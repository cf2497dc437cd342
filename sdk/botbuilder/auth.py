"""Authentication on botbuilder: botframework-connector's, as the `MicrosoftApp*` settings
say, at the token services' addresses (channel/token_services.py)."""

from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botframework.connector.auth import (
    AppCredentials,
    AuthenticationConfiguration,
    BotFrameworkAuthentication,
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
    ServiceClientCredentialsFactory,
)
from botframework.connector.auth.bot_framework_authentication_factory import (
    BotFrameworkAuthenticationFactory,
)
from msal import ConfidentialClientApplication  # type: ignore[import-untyped]

from channel.token_services import PUBLIC_CLOUD, TokenServices
from config import DefaultConfig


def authentication(
    config: DefaultConfig, services: TokenServices = PUBLIC_CLOUD
) -> BotFrameworkAuthentication:
    """Bot Framework authentication as the `MicrosoftApp*` settings say; none without an app
    id (local development), whatever `MicrosoftAppType` says: botbuilder's SingleTenant and
    UserAssignedMSI credentials refuse an empty app id.

    In the public cloud, botbuilder's own (ConfigurationBotFrameworkAuthentication); at
    other addresses, its parameterized authentication, with credentials that ask msal as
    `services` say (AuthorityCredentials)."""
    if services == PUBLIC_CLOUD:
        if config.APP_ID:
            return ConfigurationBotFrameworkAuthentication(config)
        return ConfigurationBotFrameworkAuthentication(
            config, credentials_factory=PasswordServiceClientCredentialFactory()
        )
    factory = (
        AuthorityCredentialsFactory(config)
        if config.APP_ID
        else PasswordServiceClientCredentialFactory()
    )
    tenant = config.APP_TENANTID if config.APP_TYPE == "SingleTenant" else ""
    return BotFrameworkAuthenticationFactory.create(
        validate_authority=services.validate_authority,
        to_channel_from_bot_login_url=services.authority_for(tenant),
        to_channel_from_bot_oauth_scope=services.scope,
        to_bot_from_channel_token_issuer=services.channel_issuer,
        to_bot_from_channel_open_id_metadata_url=services.channel_metadata_url,
        to_bot_from_emulator_open_id_metadata_url=services.emulator_metadata_url,
        credential_factory=factory,
        auth_configuration=AuthenticationConfiguration(),
    )


class AuthorityCredentialsFactory(ServiceClientCredentialsFactory):
    """botbuilder's credentials as the settings make them (ConfigurationServiceClient-
    CredentialFactory), the client secret's asking msal at the authority botbuilder's
    parameterized authentication hands over, validated or not as it says."""

    def __init__(self, config: DefaultConfig) -> None:
        self._inner = ConfigurationServiceClientCredentialFactory(config)

    async def is_valid_app_id(self, app_id: str) -> bool:
        return await self._inner.is_valid_app_id(app_id)

    async def is_authentication_disabled(self) -> bool:
        return await self._inner.is_authentication_disabled()

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        credentials = await self._inner.create_credentials(
            app_id, oauth_scope, login_endpoint, validate_authority
        )
        if isinstance(credentials, MicrosoftAppCredentials) and credentials.microsoft_app_id:
            return AuthorityCredentials(
                app_id,
                credentials.microsoft_app_password,
                authority=login_endpoint,
                oauth_scope=oauth_scope,
                validate_authority=validate_authority,
            )
        return credentials


class AuthorityCredentials(MicrosoftAppCredentials):
    """A client secret's credentials at an authority botbuilder does not know.

    botbuilder's private-cloud credentials keep `validate_authority`, but build msal's
    client without it: msal then asks login.microsoftonline.com whether the authority's host
    is a Microsoft Entra ID instance, which for an authority Microsoft does not run fails.
    """

    def __init__(
        self,
        app_id: str,
        password: str,
        *,
        authority: str,
        oauth_scope: str,
        validate_authority: bool,
    ) -> None:
        super().__init__(app_id, password, oauth_scope=oauth_scope)
        self.oauth_endpoint = authority
        self.validate_authority = validate_authority

    def get_access_token(self, force_refresh: bool = False) -> str:
        # msal's client reads the authority's OpenID configuration as it is made: here, in the
        # worker thread that asks for the token (sdk/botbuilder/adapter.py CredentialsAuth).
        if self.app is None:
            self.app = ConfidentialClientApplication(
                client_id=self.microsoft_app_id,
                client_credential=self.microsoft_app_password,
                authority=self.oauth_endpoint,
                validate_authority=self.validate_authority,
            )
        return super().get_access_token(force_refresh)

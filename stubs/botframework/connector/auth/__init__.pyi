from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient

class AuthenticationConstants:
    ANONYMOUS_SKILL_APP_ID: str
    APP_ID_CLAIM: str
    AUDIENCE_CLAIM: str
    AUTHORIZED_PARTY: str
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str
    def __getattr__(self, name: str) -> str: ...

class ClaimsIdentity:
    claims: dict[str, Any]
    is_authenticated: bool
    authentication_type: str | None
    def __init__(
        self, claims: dict[str, Any], is_authenticated: bool, authentication_type: str | None = None
    ) -> None: ...
    def get_claim_value(self, claim_type: str) -> Any: ...

class AppCredentials:
    # Incomplete: msrest's credentials, with the token calls the tests stand in for.
    microsoft_app_id: str
    oauth_scope: str
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    def get_access_token(self, force_refresh: bool = False) -> str: ...
    def __getattr__(self, name: str) -> Any: ...

class MicrosoftAppCredentials(AppCredentials):
    microsoft_app_password: str
    app: Any  # msal's ConfidentialClientApplication, made on the first token
    def __init__(
        self,
        app_id: str,
        password: str,
        channel_auth_tenant: str | None = None,
        oauth_scope: str | None = None,
    ) -> None: ...
    @staticmethod
    def empty() -> MicrosoftAppCredentials: ...

class ServiceClientCredentialsFactory:
    async def is_valid_app_id(self, app_id: str) -> bool: ...
    async def is_authentication_disabled(self) -> bool: ...
    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials: ...

class PasswordServiceClientCredentialFactory(ServiceClientCredentialsFactory):
    app_id: str
    password: str
    tenant_id: str
    def __init__(
        self, app_id: str | None = None, password: str | None = None, tenant_id: str | None = None
    ) -> None: ...

class AuthenticationConfiguration:
    def __init__(
        self,
        required_endorsements: list[str] | None = None,
        claims_validator: Callable[[list[dict[str, Any]]], Awaitable[None]] | None = None,
        valid_token_issuers: list[str] | None = None,
        tenant_id: str | None = None,
    ) -> None: ...

class VerifyOptions:
    def __init__(
        self, issuer: list[str], audience: str | None, clock_tolerance: Any, ignore_expiration: bool
    ) -> None: ...

class UserTokenClient:
    def __getattr__(self, name: str) -> Any: ...

class ConnectorFactory:
    async def create(self, service_url: str, audience: str) -> ConnectorClient: ...

class AuthenticateRequestResult:
    audience: str
    claims_identity: ClaimsIdentity
    caller_id: str
    connector_factory: ConnectorFactory
    def __init__(self) -> None: ...

class BotFrameworkAuthentication:
    async def authenticate_request(
        self, activity: Activity, auth_header: str | None
    ) -> AuthenticateRequestResult: ...
    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory: ...
    async def create_user_token_client(
        self, claims_identity: ClaimsIdentity
    ) -> UserTokenClient: ...

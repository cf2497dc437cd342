"""The Agents SDK's token validator, reading its signing keys without blocking."""

from typing import Any

import jwt
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ClaimsIdentity,
    JwtTokenValidator,
)
from microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator import (
    _JwkClientManager,
)

from channel.signing_keys import OpenIdMetadata


class TokenValidator(JwtTokenValidator):
    """The SDK's JwtTokenValidator: the signature (RS256), expiry and not-before with five
    minutes' leeway, the audience (`configuration`'s CLIENT_ID), the issuer (`configuration`'s
    ISSUERS), and an Entra issuer's tenant against the `tid` claim. Two things it does not
    do its way here:

    - The signing keys come from `keys` (channel/signing_keys.py: aiohttp, one deadline,
      one fetch shared by concurrent callers, SigningKeysUnavailable while none can be
      had). The SDK fetches them with PyJWKClient, in a worker thread, with no deadline,
      from a JWKS URL it picks itself from the token's issuer (login.botframework.com's for
      api.botframework.com, login.microsoftonline.com's for any other).
    - The issuer is checked: the SDK checks it only when the configuration opts in
      (VALIDATE_ISSUER), which every configuration made here does (`configuration`).

    Nor does the SDK check the key's endorsements (the channels a Bot Framework key may
    sign for), as botbuilder does: `validate` does.
    """

    def __init__(self, configuration: AgentAuthConfiguration, keys: OpenIdMetadata) -> None:
        super().__init__(configuration)
        self.keys = keys
        self._jwk_client_manager = _MetadataKeys(keys)

    async def validate(self, token: str, channel_id: str | None) -> ClaimsIdentity:
        """The token's claims; raises SigningKeysUnavailable, or another exception (a
        PyJWTError, ValueError or PermissionError) for a token that does not hold."""
        identity = await self.validate_token(token)
        key = await self.keys.get(jwt.get_unverified_header(token).get("kid"))
        if key.endorsements and channel_id and channel_id not in key.endorsements:
            raise PermissionError(f"the signing key is not endorsed for channel {channel_id!r}")
        return identity


def configuration(audience: str, issuers: list[str]) -> AgentAuthConfiguration:
    """What TokenValidator accepts: tokens for `audience` from one of `issuers` (and, as the
    SDK always adds them, from Microsoft's own first-party tenants and api.botframework.com)."""
    return AgentAuthConfiguration(client_id=audience, issuers=issuers, validate_issuer=True)


class _MetadataKeys(_JwkClientManager):
    """Where JwtTokenValidator looks up a token's key: in `keys`, whatever JWKS URL the
    validator picked."""

    def __init__(self, keys: OpenIdMetadata) -> None:
        super().__init__()
        self._keys = keys

    async def get_signing_key(self, jwks_uri: str, header: dict[str, Any]) -> Any:
        return (await self._keys.get(header.get("kid"))).public_key

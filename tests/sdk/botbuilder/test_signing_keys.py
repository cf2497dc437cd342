"""botframework-connector's token checks read their signing keys through OpenIdMetadata."""

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from botframework.connector.auth import ClaimsIdentity, VerifyOptions
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from channel.signing_keys import OpenIdMetadata, UnknownSigningKey
from sdk.botbuilder.adapter import read_signing_keys_without_blocking as install
from tests.channel.test_signing_keys import ISSUER, KID, KeyServer, keys, private_key

__all__ = ["keys", "private_key"]  # the fixtures this module uses


@pytest.fixture
def installed() -> Iterator[None]:
    original = JwtTokenExtractor.__dict__["get_open_id_metadata"]
    yield
    JwtTokenExtractor.get_open_id_metadata = original


async def test_install_gives_each_url_one_metadata(installed: None) -> None:
    install(timeout=1.0)

    first = JwtTokenExtractor.get_open_id_metadata("https://one.example/openid")

    assert isinstance(first, OpenIdMetadata)
    assert first.timeout == 1.0
    assert JwtTokenExtractor.get_open_id_metadata("https://one.example/openid") is first
    assert JwtTokenExtractor.get_open_id_metadata("https://two.example/openid") is not first
    install(timeout=2.0)
    again = JwtTokenExtractor.get_open_id_metadata("https://one.example/openid")
    assert again is not first
    assert again.timeout == 2.0


def bearer(private_key: RSAPrivateKey, kid: str, **claims: Any) -> str:
    token = jwt.encode(
        {"iss": ISSUER, "exp": int(time.time()) + 300, **claims},
        private_key,
        algorithm="RS256",
        headers={"kid": kid},
    )
    return f"Bearer {token}"


def extractor(metadata_url: str) -> JwtTokenExtractor:
    options = VerifyOptions(
        issuer=[ISSUER],
        audience=None,
        clock_tolerance=timedelta(minutes=5),
        ignore_expiration=False,
    )
    return JwtTokenExtractor(options, metadata_url, ["RS256"])


async def test_sdk_validates_a_token_with_installed_keys(
    keys: KeyServer, private_key: RSAPrivateKey, installed: None
) -> None:
    install()

    identity = await extractor(keys.metadata_url).get_identity_from_auth_header(
        bearer(private_key, KID, aud="bot-1"), "emulator"
    )

    assert isinstance(identity, ClaimsIdentity)
    assert identity.is_authenticated
    assert identity.claims["aud"] == "bot-1"
    assert identity.claims["iss"] == ISSUER


async def test_sdk_refuses_unknown_key_ids_and_forged_signatures(
    keys: KeyServer, private_key: RSAPrivateKey, installed: None
) -> None:
    install()
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(UnknownSigningKey):
        await extractor(keys.metadata_url).get_identity_from_auth_header(
            bearer(private_key, "key-9"), "emulator"
        )
    with pytest.raises(jwt.InvalidSignatureError):
        await extractor(keys.metadata_url).get_identity_from_auth_header(
            bearer(forger, KID), "emulator"
        )

"""On botbuilder, replies are signed with the credentials the SDK made for the turn."""

from botframework.connector.auth import MicrosoftAppCredentials

from config import DefaultConfig
from sdk.botbuilder.adapter import SdkAdapter, authentication


class FixedTokenCredentials(MicrosoftAppCredentials):
    """App credentials that hand out a fixed token instead of asking Microsoft Entra ID."""

    def __init__(self, token: str) -> None:
        super().__init__("app-id", "app-password")
        self.fixed = token
        self.calls = 0

    def get_access_token(self, force_refresh: bool = False) -> str:
        self.calls += 1
        return self.fixed


def adapter() -> SdkAdapter:
    return SdkAdapter(authentication(DefaultConfig.from_env({})))


def test_without_an_app_id_replies_are_not_signed() -> None:
    assert adapter().signed_by(None) is None
    assert adapter().signed_by(MicrosoftAppCredentials.empty()) is None


async def test_the_token_comes_from_the_first_credentials_for_an_app() -> None:
    sdk_adapter = adapter()
    first, second = FixedTokenCredentials("token-1"), FixedTokenCredentials("token-2")

    tokens = []
    for credentials in (first, second):
        auth = sdk_adapter.signed_by(credentials)
        assert auth is not None
        tokens.append(await auth.token())

    assert tokens == ["token-1", "token-1"]
    assert (first.calls, second.calls) == (2, 0)

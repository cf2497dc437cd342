"""Authentication on the Agents SDK: the token a request carries, checked; the token the
bot's replies carry, fetched.

Without an app id (local development with the Emulator) authentication is off, as in the
botbuilder build: a request without a token is taken, anonymous, and replies are not signed.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import ClaimsIdentity

from config import DefaultConfig

if TYPE_CHECKING:
    from channel.connector import ReplyAuth

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Authenticated:
    """What authenticating a request found out."""

    claims: ClaimsIdentity


class Authentication:
    """Checks the token of each request, and signs the replies, as the `MicrosoftApp*`
    settings say."""

    def __init__(self, config: DefaultConfig) -> None:
        self.app_id = config.APP_ID

    async def authenticate(self, activity: Activity, header: str) -> Authenticated:
        if not self.app_id:
            if header:
                # As botbuilder does: a token is checked even with authentication off, and
                # with no app id none can be valid.
                raise PermissionError("a token for no app id")
            return Authenticated(ClaimsIdentity({}, True, ANONYMOUS))
        raise NotImplementedError("tokens are not checked yet on the agents build")

    def reply_auth(self, service_url: str | None) -> "ReplyAuth | None":
        return None


def authentication(config: DefaultConfig) -> Authentication:
    return Authentication(config)

from typing import Any

from botframework.connector.auth import BotFrameworkAuthentication

class BotFrameworkAuthenticationFactory:
    @staticmethod
    def create(*args: Any, **kwargs: Any) -> BotFrameworkAuthentication: ...

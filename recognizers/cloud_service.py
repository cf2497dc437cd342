"""What the back ends that call a cloud service over aiohttp share (CLU, and LUIS on the
agents build): one HTTP session from `open()` to `close()`, each call bounded by the timeout
(connecting, sending and reading the answer), the key in `Ocp-Apim-Subscription-Key`, and the
proxies HTTP_PROXY, HTTPS_PROXY and NO_PROXY name (aiohttp's `trust_env`, as requests reads
them for botbuilder-ai's LUIS client)."""

import json
from typing import Any, ClassVar

from aiohttp import ClientSession, ClientTimeout


class ServiceError(RuntimeError):
    """The service answered, but not with an answer we can use."""


class CloudService:
    name: ClassVar[str]  # the service, in messages

    def __init__(self, key: str, timeout: float) -> None:
        self._key = key
        self._timeout = timeout
        self._session: ClientSession | None = None

    async def open(self) -> None:
        self._session = ClientSession(timeout=ClientTimeout(total=self._timeout), trust_env=True)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _post(
        self,
        url: str,
        body: Any,
        *,
        params: dict[str, str],
        content_type: str = "application/json",
    ) -> Any:
        """POST `body` as JSON; the service's JSON answer."""
        if self._session is None:
            raise ServiceError(f"the {self.name} recognizer was used before open()")
        async with self._session.post(
            url,
            params=params,
            headers={
                "Ocp-Apim-Subscription-Key": self._key,
                "Accept": "application/json",
                "Content-Type": content_type,
            },
            data=json.dumps(body).encode(),
        ) as response:
            if response.status != 200:
                raise ServiceError(f"{self.name} answered HTTP {response.status}")
            return await response.json(content_type=None)

"""Bot state in Azure Blob Storage: botbuilder-azure's BlobStorage, made safe to share."""

import asyncio
import json
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    AzureError,
    HttpResponseError,
    ResourceExistsError,
    ResourceModifiedError,
)
from azure.storage.blob.aio import BlobServiceClient, LinearRetry, StorageStreamDownloader
from botbuilder.azure import BlobStorage
from jsonpickle.unpickler import Unpickler

from storage.deadline import StoreCalls
from storage.errors import StateConflict, StorageUnavailable, first_line
from storage.items import e_tag_of, with_e_tag


class AzureBlobStorage(BlobStorage):
    """One blob per state item, in the SDK's format (jsonpickle JSON), so other Bot Framework
    bots read it the same way. Unlike the SDK's class:

    - a write conflicts (StateConflict) not only when the e-tag it carries is stale, but also
      when it carries none and the blob exists: someone created it since this turn read it;
    - a write gives the writer's item its new e-tag;
    - `open()` checks at start that the container can be used, `close()` closes the HTTP
      session, which the SDK never does;
    - every read, write and delete ends within `timeout` seconds, retries included, or
      raises StorageUnreachable; `problem()` says whether the store can be used.
    """

    def __init__(
        self,
        connection_string: str,
        container_name: str,
        *,
        timeout: float = 3.0,
        start_timeout: float = 10.0,
    ) -> None:
        # Not the SDK's __init__: it keeps only the container client, whose close() leaves the
        # service client's HTTP session open. The base class reads its private client.
        self._service = BlobServiceClient.from_connection_string(
            connection_string,
            # The SDK's default retries wait 15 s, then 18 s, then 24 s. These fit in `timeout`:
            # a refused connection is tried three times in about a fifth of it, and a request
            # left unanswered is given up halfway, so that a second try fits.
            retry_policy=LinearRetry(
                backoff=timeout / 10, random_jitter_range=timeout / 20, retry_total=2
            ),
            connection_timeout=timeout / 2,
            read_timeout=timeout / 2,
        )
        self._container = self._service.get_container_client(container_name)
        self._BlobStorage__container_client = self._container
        self._start_timeout = start_timeout
        self._opened = False
        self._calls = StoreCalls("blob storage", timeout, self._container.get_container_properties)

    async def open(self) -> None:
        """Create the container if it is missing; StorageUnavailable naming the setting if the
        account cannot be reached or refuses."""
        if self._opened:
            return
        try:
            await self._create_container()
        except StorageUnavailable:
            await self.close()
            raise
        self._opened = True

    async def _create_container(self) -> None:
        where = self._service.url
        try:
            async with asyncio.timeout(self._start_timeout):
                # No retries here: at start a clear answer now beats one in a minute.
                await self._container.create_container(retry_total=0)
        except ResourceExistsError:
            pass
        except HttpResponseError as error:
            if error.status_code in (401, 403):
                raise StorageUnavailable(
                    f"BlobConnectionString: {where} refused the account's credentials "
                    f"(HTTP {error.status_code})"
                ) from error
            raise StorageUnavailable(
                f"BlobContainerName: {where} refused container "
                f"{self._container.container_name!r} (HTTP {error.status_code} {error.reason})"
            ) from error
        except (AzureError, OSError, TimeoutError) as error:
            reason = "no answer in time" if isinstance(error, TimeoutError) else first_line(error)
            raise StorageUnavailable(
                f"BlobConnectionString: cannot reach blob storage at {where}: {reason}"
            ) from error

    async def close(self) -> None:
        await self._service.close()

    async def problem(self) -> str | None:
        return await self._calls.problem()

    async def _initialize(self) -> bool:
        await self.open()
        return True

    async def read(self, keys: list[str]) -> dict[str, Any]:
        return await self._calls.run(super().read(keys))

    async def delete(self, keys: list[str]) -> None:
        await self._calls.run(super().delete(keys))

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("AzureBlobStorage.write(): changes are required")
        await self._calls.run(self._write(changes))

    async def _write(self, changes: dict[str, Any]) -> None:
        await self._initialize()
        for key, item in changes.items():
            e_tag = e_tag_of(item)
            if e_tag == "":
                raise ValueError("AzureBlobStorage.write(): etag missing")
            blob = self._container.get_blob_client(key)
            data = self._store_item_to_str(item)
            if e_tag == "*":
                condition: dict[str, Any] = {"overwrite": True}
            elif e_tag:
                condition = {"etag": e_tag, "match_condition": MatchConditions.IfNotModified}
            else:
                condition = {}  # create only: If-None-Match: *
            try:
                result = await blob.upload_blob(data, **condition)
            except (ResourceModifiedError, ResourceExistsError) as error:
                # 412 for a stale e-tag (reported as ResourceExistsError), 409 for a blob
                # created meanwhile.
                raise StateConflict(f"{key} has changed since it was read") from error
            with_e_tag(item, result["etag"].strip('"'))

    @staticmethod
    async def _blob_to_store_item(blob: StorageStreamDownloader) -> object:
        """As the SDK reads a blob, without the download call it deprecated."""
        item = json.loads(await blob.readall())
        item["e_tag"] = blob.properties.etag.replace('"', "")
        return Unpickler().restore(item)

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
from azure.storage.blob.aio import BlobServiceClient, StorageStreamDownloader
from botbuilder.azure import BlobStorage
from jsonpickle.unpickler import Unpickler

from storage.errors import StateConflict, StorageUnavailable
from storage.items import e_tag_of, with_e_tag


class AzureBlobStorage(BlobStorage):
    """One blob per state item, in the SDK's format (jsonpickle JSON), so other Bot Framework
    bots read it the same way. Unlike the SDK's class:

    - a write conflicts (StateConflict) not only when the e-tag it carries is stale, but also
      when it carries none and the blob exists: someone created it since this turn read it;
    - a write gives the writer's item its new e-tag;
    - `open()` checks at start that the container can be used, `close()` closes the HTTP
      session, which the SDK never does.
    """

    def __init__(
        self, connection_string: str, container_name: str, *, start_timeout: float = 10.0
    ) -> None:
        # Not the SDK's __init__: it keeps only the container client, whose close() leaves the
        # service client's HTTP session open. The base class reads its private client.
        self._service = BlobServiceClient.from_connection_string(connection_string)
        self._container = self._service.get_container_client(container_name)
        self._BlobStorage__container_client = self._container
        self._start_timeout = start_timeout
        self._opened = False

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
            reason = "no answer in time" if isinstance(error, TimeoutError) else _first_line(error)
            raise StorageUnavailable(
                f"BlobConnectionString: cannot reach blob storage at {where}: {reason}"
            ) from error

    async def close(self) -> None:
        await self._service.close()

    async def _initialize(self) -> bool:
        await self.open()
        return True

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("AzureBlobStorage.write(): changes are required")
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


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

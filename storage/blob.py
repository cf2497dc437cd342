"""Bot state in Azure Blob Storage: botbuilder-azure's BlobStorage, made safe to share."""

import asyncio
import json
from typing import Any

from azure.core import MatchConditions
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
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
        account: str,
        container_name: str,
        *,
        credential: AsyncTokenCredential | None = None,
        timeout: float = 3.0,
        start_timeout: float = 10.0,
        ca_file: str | None = None,
    ) -> None:
        """`account`: the account's connection string; or, with `credential`, its blob
        service URL, the container then being reached with the credential's tokens (the
        storage closes the credential with itself). `ca_file`: a CA bundle to verify the
        service's certificate with, instead of the system's."""
        # The SDK's default retries wait 15 s, then 18 s, then 24 s. These fit in `timeout`:
        # a refused connection is tried three times in about a fifth of it, and a request
        # left unanswered is given up halfway, so that a second try fits.
        options: dict[str, Any] = {
            "retry_policy": LinearRetry(
                backoff=timeout / 10, random_jitter_range=timeout / 20, retry_total=2
            ),
            "connection_timeout": timeout / 2,
            "read_timeout": timeout / 2,
        }
        if ca_file:
            options["connection_verify"] = ca_file
        # Not the SDK's __init__: it keeps only the container client, whose close() leaves the
        # service client's HTTP session open. The base class reads its private client.
        if credential is None:
            self._setting = "BlobConnectionString"
            self._service = BlobServiceClient.from_connection_string(account, **options)
        else:
            self._setting = "BlobServiceUrl"
            self._service = BlobServiceClient(account, credential=credential, **options)
        self._credential = credential
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
        except ClientAuthenticationError as error:
            if error.status_code in (401, 403):
                raise StorageUnavailable(self._refused(where, error.status_code)) from error
            # The credential found no token (azure.identity logs what each source said).
            raise StorageUnavailable(
                f"{self._setting}: no access token for {where}: {first_line(error)}"
            ) from error
        except HttpResponseError as error:
            if error.status_code in (401, 403):
                raise StorageUnavailable(self._refused(where, error.status_code)) from error
            raise StorageUnavailable(
                f"BlobContainerName: {where} refused container "
                f"{self._container.container_name!r} (HTTP {error.status_code} {error.reason})"
            ) from error
        except (AzureError, OSError, TimeoutError) as error:
            reason = "no answer in time" if isinstance(error, TimeoutError) else first_line(error)
            raise StorageUnavailable(
                f"{self._setting}: cannot reach blob storage at {where}: {reason}"
            ) from error

    def _refused(self, where: str, status: int) -> str:
        if self._credential is None:
            return (
                f"BlobConnectionString: {where} refused the account's credentials (HTTP {status})"
            )
        return (
            f"BlobServiceUrl: {where} refused the app's identity (HTTP {status}); it needs the "
            "Storage Blob Data Contributor role on the account"
        )

    async def close(self) -> None:
        await self._service.close()
        if self._credential is not None:
            await self._credential.close()

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

"""Bot state in Azure Blob Storage: one blob per item, holding its JSON text."""

import asyncio
import contextlib
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
    ResourceNotFoundError,
)
from azure.storage.blob import ContentSettings
from azure.storage.blob.aio import BlobServiceClient, LinearRetry

from storage.deadline import StoreCalls
from storage.errors import CorruptRecord, StateConflict, StorageUnavailable, first_line
from storage.memory import to_text

JSON = ContentSettings(content_type="application/json")


class AzureBlobStorage:
    """One blob per item, named by its key, holding the item's JSON text (UTF-8,
    `application/json`) without its e-tag, which is the blob's `ETag`. It keeps the contract
    of `storage.Storage`:

    - a write conflicts (StateConflict) when the e-tag it carries is stale (HTTP 412, the
      blob changed or was deleted), or when it carries none and the blob exists (409:
      someone created it since this turn read it); `*` overwrites;
    - a write gives the writer's item its new e-tag; only plain JSON is written (anything
      else raises TypeError or ValueError before any blob is touched);
    - a blob that holds no JSON object (not UTF-8, not JSON, NaN, or JSON that is an array,
      a string...) raises CorruptRecord naming the key and carrying the blob's e-tag: the
      read fails, not the process, and the caller may write a new record under that e-tag;
    - `open()` checks at start that the container can be used (creating it if missing),
      `close()` closes the HTTP session;
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
                # Declared int, but seconds that the policy draws a float between.
                backoff=timeout / 10,  # type: ignore[arg-type]
                random_jitter_range=timeout / 20,  # type: ignore[arg-type]
                retry_total=2,
            ),
            "connection_timeout": timeout / 2,
            "read_timeout": timeout / 2,
        }
        if ca_file:
            options["connection_verify"] = ca_file
        if credential is None:
            self._setting = "BlobConnectionString"
            self._service = BlobServiceClient.from_connection_string(account, **options)
        else:
            self._setting = "BlobServiceUrl"
            self._service = BlobServiceClient(account, credential=credential, **options)
        self._credential = credential
        self._container = self._service.get_container_client(container_name)
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

    async def read(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        return await self._calls.run(self._read(keys))

    async def _read(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        await self.open()
        items = {}
        for key in keys:
            try:
                blob = await self._container.download_blob(key)
                data = await blob.readall()
            except ResourceNotFoundError:
                continue
            e_tag = (blob.properties.etag or "").strip('"')
            items[key] = {**parse_record(key, data, e_tag), "e_tag": e_tag}
        return items

    async def write(self, changes: dict[str, dict[str, Any]]) -> None:
        if changes is None:
            raise ValueError("AzureBlobStorage.write(): changes are required")
        # Every item is checked before any is written: a batch is not left half written.
        texts = {}
        for key, item in changes.items():
            if item.get("e_tag") == "":
                raise ValueError("AzureBlobStorage.write(): etag missing")
            texts[key] = to_text(item).encode()
        await self._calls.run(self._write(changes, texts))

    async def _write(self, changes: dict[str, dict[str, Any]], texts: dict[str, bytes]) -> None:
        await self.open()
        for key, item in changes.items():
            e_tag = item.get("e_tag")
            if e_tag == "*":
                condition: dict[str, Any] = {"overwrite": True}
            elif e_tag:
                condition = {"etag": e_tag, "match_condition": MatchConditions.IfNotModified}
            else:
                condition = {}  # create only: If-None-Match: *
            try:
                blob = self._container.get_blob_client(key)
                result = await blob.upload_blob(texts[key], content_settings=JSON, **condition)
            except (ResourceModifiedError, ResourceExistsError) as error:
                # 412 for a stale e-tag (which the SDK reports as ResourceExistsError), 409
                # for a blob created meanwhile.
                raise StateConflict(f"{key} has changed since it was read") from error
            item["e_tag"] = result["etag"].strip('"')

    async def delete(self, keys: list[str]) -> None:
        await self._calls.run(self._delete(keys))

    async def _delete(self, keys: list[str]) -> None:
        await self.open()
        for key in keys:
            with contextlib.suppress(ResourceNotFoundError):  # already gone
                await self._container.delete_blob(key)


_JSON_KINDS = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}


def parse_record(key: str, data: bytes, e_tag: str = "") -> dict[str, Any]:
    """A stored item's JSON text as the object it must be; CorruptRecord if it is not one."""
    try:
        record = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise CorruptRecord(key, f"not JSON ({first_line(error)})", e_tag) from error
    if type(record) is not dict:
        kind = _JSON_KINDS.get(type(record), "a number")
        raise CorruptRecord(key, f"{kind}, not a JSON object", e_tag)
    return record


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")

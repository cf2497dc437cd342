"""Bot state in Azure Cosmos DB: one document per item, on the asynchronous client."""

import asyncio
import contextlib
import hashlib
import math
from collections.abc import Callable
from typing import Any

from azure.core import MatchConditions
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError
from azure.core.pipeline import PipelineRequest
from azure.core.rest import HttpRequest
from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient, DatabaseProxy
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)

from storage.deadline import StoreCalls
from storage.errors import CorruptRecord, StateConflict, StorageUnavailable
from storage.memory import to_text

# What botbuilder-azure's CosmosDbPartitionedStorage wrote, so that the documents it left are
# found under the same ids: the characters Cosmos DB refuses in an id, each written as `*`
# and its code point, and ids cut to the 255 characters Cosmos DB once allowed.
_ESCAPES = str.maketrans({character: f"*{ord(character)}" for character in "\\?/#\t\n\r*"})
MAX_ID_LENGTH = 255
# What botbuilder-azure created a container with (its CosmosDbPartitionedConfig's default).
THROUGHPUT = 400


def document_id(key: str) -> str:
    """The id of the document that holds `key`'s item: as botbuilder-azure 4.17.1's
    `CosmosDbKeyEscape.sanitize_key(key)` makes it (no suffix, compatibility mode on)."""
    escaped = key.translate(_ESCAPES)
    if len(escaped) <= MAX_ID_LENGTH:
        return escaped
    digest = hashlib.sha256(escaped.encode()).hexdigest()
    return escaped[: MAX_ID_LENGTH - len(digest)] + digest


class AzureCosmosStorage:
    """One document per item, `{"id": document_id(key), "realId": key, "document": <the
    item's JSON without its e-tag>}`, in a container partitioned on `/id`; the item's e-tag
    is the document's `_etag`. It keeps the contract of `storage.Storage`:

    - every call to Cosmos DB is asynchronous and ends within `timeout` seconds, retries
      included, or raises StorageUnreachable; `problem()` says whether the store can be used;
    - a write conflicts (StateConflict) when the e-tag it carries is stale (412), when it
      carries none and the item exists (409), or when the item was deleted meanwhile (404);
      `*` overwrites; the writer's item gets its new e-tag; only plain JSON is written;
    - a document whose `document` is not a JSON object raises CorruptRecord naming the key
      and carrying the document's e-tag;
    - `open()` connects and checks the database and container at start, creating them if
      missing; `close()` closes the client's HTTP session and the credential.

    `credential`: with no `auth_key`, the token credential to sign in with (the storage closes
    it with itself). Cosmos DB's data-plane roles cannot create databases or containers, so
    then both must exist. `ca_file`: a CA bundle to verify the endpoint's certificate with,
    instead of the system's (azure-cosmos verifies none on localhost or 127.0.0.1 without it,
    the emulator's convention).
    """

    def __init__(
        self,
        endpoint: str,
        auth_key: str,
        database_id: str,
        container_id: str,
        *,
        credential: AsyncTokenCredential | None = None,
        timeout: float = 3.0,
        start_timeout: float = 10.0,
        ca_file: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.database_id = database_id
        self.container_id = container_id
        self._auth_key = auth_key
        self._credential = credential
        self._timeout = timeout
        self._start_timeout = start_timeout
        self._ca_file = ca_file
        self._client: CosmosClient | None = None
        self._container: ContainerProxy | None = None
        self._opening = asyncio.Lock()
        self._calls = StoreCalls("Cosmos DB", timeout, self._probe)

    async def open(self) -> None:
        """Connect, and create the database and container if they are missing;
        StorageUnavailable naming the setting if that fails."""
        async with self._opening:  # calls made before open() must not connect twice
            if self._container is not None:
                return
            try:
                self._container = await self._connect_in_time()
            except Exception:
                await self.close()
                raise

    async def _connect_in_time(self) -> ContainerProxy:
        endpoint = self.endpoint
        try:
            async with asyncio.timeout(self._start_timeout):
                return await self._connect()
        except TimeoutError as error:
            raise StorageUnavailable(
                f"CosmosDbEndpoint: no answer from {endpoint} within {self._start_timeout:g} s"
            ) from error
        except ClientAuthenticationError as error:
            # The credential found no token (azure.identity logs what each source said).
            raise StorageUnavailable(
                f"CosmosDbEndpoint: no access token for {endpoint}: {_first_line(str(error))}"
            ) from error
        except CosmosHttpResponseError as error:
            if self._credential is not None and error.status_code in (401, 403):
                raise StorageUnavailable(
                    f"CosmosDbEndpoint: {endpoint} refused the app's identity (HTTP "
                    f"{error.status_code}); it needs the Cosmos DB Built-in Data Contributor "
                    "role on the account"
                ) from error
            setting = "CosmosDbAuthKey" if error.status_code in (401, 403) else "CosmosDbEndpoint"
            raise StorageUnavailable(
                f"{setting}: {endpoint} answered HTTP {error.status_code}"
                f" ({_first_line(error.message)})"
            ) from error
        except (AzureError, OSError) as error:
            raise StorageUnavailable(
                f"CosmosDbEndpoint: cannot reach {endpoint}: {_first_line(str(error))}"
            ) from error

    async def _connect(self) -> ContainerProxy:
        # Every call, retries included, is to end soon after `timeout`: the client's defaults
        # wait 65 s for an answer, and retry a throttled request nine times over 30 s.
        options: dict[str, Any] = {}
        if self._ca_file:
            options["raw_request_hook"] = _verified_with(self._ca_file)
        self._client = CosmosClient(
            self.endpoint,
            self._credential or self._auth_key,
            connection_timeout=self._timeout,
            read_timeout=self._timeout,
            retry_total=1,
            retry_backoff_factor=self._timeout / 10,
            retry_throttle_total=3,
            retry_throttle_backoff_max=math.ceil(self._timeout),
            **options,
        )
        # Reads the account: the first network call.
        await self._client.__aenter__()
        if self._credential is None:
            database = await self._client.create_database_if_not_exists(self.database_id)
            return await self._created_container(database)
        return await self._existing_container(self._client.get_database_client(self.database_id))

    async def _created_container(self, database: DatabaseProxy) -> ContainerProxy:
        try:
            return await database.create_container(
                self.container_id, PartitionKey(path="/id"), offer_throughput=THROUGHPUT
            )
        except CosmosResourceExistsError:
            return await self._existing_container(database)

    async def _existing_container(self, database: DatabaseProxy) -> ContainerProxy:
        """The container, read rather than created (a token's roles may not create it), and
        checked to be partitioned on /id."""
        container = database.get_container_client(self.container_id)
        try:
            properties = await container.read()
        except CosmosResourceNotFoundError as error:
            raise StorageUnavailable(
                f"CosmosDbContainerId: no container {self.container_id!r} in database "
                f"{self.database_id!r} at {self.endpoint}; without CosmosDbAuthKey the bot "
                "cannot create it: create it, partitioned on /id"
            ) from error
        paths = properties.get("partitionKey", {}).get("paths")
        if paths != ["/id"]:
            raise StorageUnavailable(
                f"CosmosDbContainerId: container {self.container_id!r} is partitioned on "
                f"{paths}, not /id"
            )
        return container

    async def close(self) -> None:
        client, self._client, self._container = self._client, None, None
        if client is not None:
            await client.close()
        if self._credential is not None:
            await self._credential.close()

    async def problem(self) -> str | None:
        return await self._calls.problem()

    async def _probe(self) -> object:
        return await (await self._opened()).read()

    async def _opened(self) -> ContainerProxy:
        await self.open()
        assert self._container is not None
        return self._container

    async def read(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        return await self._calls.run(self._read(keys))

    async def _read(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        container = await self._opened()
        items = {}
        for key in keys:
            escaped = document_id(key)
            try:
                found = await container.read_item(escaped, partition_key=escaped)
            except CosmosResourceNotFoundError:
                continue
            e_tag = found.get("_etag") or ""
            record = found.get("document")
            if type(record) is not dict:
                raise CorruptRecord(key, "its document is not a JSON object", e_tag)
            items[key] = {**record, "e_tag": e_tag}
        return items

    async def write(self, changes: dict[str, dict[str, Any]]) -> None:
        if changes is None:
            raise ValueError("AzureCosmosStorage.write(): changes are required")
        for item in changes.values():
            if item.get("e_tag") == "":
                raise ValueError("AzureCosmosStorage.write(): etag missing")
            to_text(item)  # only plain JSON: checked for every item before any is written
        for key, item in changes.items():
            await self._calls.run(self._write_one(key, item))

    async def _write_one(self, key: str, item: dict[str, Any]) -> None:
        container = await self._opened()
        e_tag = item.get("e_tag")
        escaped = document_id(key)
        record = {name: value for name, value in item.items() if name != "e_tag"}
        body = {"id": escaped, "realId": key, "document": record}
        try:
            if e_tag == "*":
                result = await container.upsert_item(body)
            elif e_tag:
                result = await container.replace_item(
                    escaped, body, etag=e_tag, match_condition=MatchConditions.IfNotModified
                )
            else:
                result = await container.create_item(body)
        except (
            CosmosAccessConditionFailedError,
            CosmosResourceExistsError,
            CosmosResourceNotFoundError,
        ) as error:
            raise StateConflict(f"{key} has changed since it was read") from error
        item["e_tag"] = result["_etag"]

    async def delete(self, keys: list[str]) -> None:
        await self._calls.run(self._delete(keys))

    async def _delete(self, keys: list[str]) -> None:
        container = await self._opened()
        for key in keys:
            escaped = document_id(key)
            with contextlib.suppress(CosmosResourceNotFoundError):  # already gone
                await container.delete_item(escaped, partition_key=escaped)


def _verified_with(ca_file: str) -> Callable[[PipelineRequest[HttpRequest]], None]:
    """A hook that has each request verify the endpoint's certificate with `ca_file`.

    Not azure-cosmos's `ssl_config`: its asynchronous client then gives the transport
    `(None, None)` as a client certificate, which the transport fails to load."""

    def verify(request: PipelineRequest[HttpRequest]) -> None:
        request.context.options["connection_verify"] = ca_file
        request.context.options.pop("connection_cert", None)

    return verify


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else "no details"

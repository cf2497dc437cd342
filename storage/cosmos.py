"""Bot state in Azure Cosmos DB: botbuilder-azure's CosmosDbPartitionedStorage, off the loop."""

import asyncio
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import AzureError
from azure.cosmos import CosmosClient, documents
from azure.cosmos.exceptions import (
    CosmosAccessConditionFailedError,
    CosmosHttpResponseError,
    CosmosResourceExistsError,
    CosmosResourceNotFoundError,
)
from botbuilder.azure import (
    CosmosDbKeyEscape,
    CosmosDbPartitionedConfig,
    CosmosDbPartitionedStorage,
)
from jsonpickle.pickler import Pickler

from helpers.coroutines import run_to_end
from storage.errors import StateConflict, StorageUnavailable
from storage.items import e_tag_of, with_e_tag


class AzureCosmosStorage(CosmosDbPartitionedStorage):
    """One document per state item, in the SDK's format (`id`, `realId`, `document`), in a
    container partitioned on `/id`. Unlike the SDK's class:

    - every call to Cosmos DB runs in a worker thread: the SDK calls the synchronous client
      inside its async methods, which would stall every conversation while Cosmos answers;
    - a write conflicts (StateConflict) not only when the e-tag it carries is stale (412),
      but also when it carries none and the item exists (409), or was deleted meanwhile;
    - a write gives the writer's item its new e-tag;
    - `open()` connects and checks the database and container at start.

    `ca_file`: a CA bundle to verify the endpoint's certificate with, instead of the system's.
    """

    def __init__(
        self,
        endpoint: str,
        auth_key: str,
        database_id: str,
        container_id: str,
        *,
        start_timeout: float = 10.0,
        ca_file: str | None = None,
    ) -> None:
        super().__init__(
            CosmosDbPartitionedConfig(
                cosmos_db_endpoint=endpoint,
                auth_key=auth_key,
                database_id=database_id,
                container_id=container_id,
            )
        )
        self._start_timeout = start_timeout
        self._ca_file = ca_file

    async def open(self) -> None:
        """Connect, and create the database and container if they are missing;
        StorageUnavailable naming the setting if that fails."""
        if self.container is not None:
            return
        try:
            async with asyncio.timeout(self._start_timeout):
                await asyncio.to_thread(self._connect)
        except TimeoutError as error:
            raise StorageUnavailable(
                f"CosmosDbEndpoint: no answer from {self.config.cosmos_db_endpoint} "
                f"within {self._start_timeout:g} s"
            ) from error
        except CosmosHttpResponseError as error:
            setting = "CosmosDbAuthKey" if error.status_code in (401, 403) else "CosmosDbEndpoint"
            raise StorageUnavailable(
                f"{setting}: {self.config.cosmos_db_endpoint} answered HTTP {error.status_code}"
                f" ({_first_line(error.message)})"
            ) from error
        except (AzureError, OSError) as error:
            raise StorageUnavailable(
                f"CosmosDbEndpoint: cannot reach {self.config.cosmos_db_endpoint}: "
                f"{_first_line(str(error))}"
            ) from error

    def _connect(self) -> None:
        policy = documents.ConnectionPolicy()
        policy.RequestTimeout = self._start_timeout
        # A few quick retries instead of the client's default minute of them.
        policy.ConnectionRetryConfiguration = 1
        ssl = None
        if self._ca_file:
            ssl = documents.SSLConfiguration()
            ssl.SSLCaCerts = self._ca_file
        # The client reads the account as it is made: that is the first network call.
        self.client = CosmosClient(
            self.config.cosmos_db_endpoint,
            self.config.auth_key,
            connection_policy=policy,
            ssl_config=ssl,
            timeout=self._start_timeout,  # for the account read, retries included
        )
        run_to_end(self.initialize())

    async def close(self) -> None:
        """Close the client's HTTP session (the client has no close(); its `with` exit does it)."""
        if self.client is not None:
            self.client.__exit__(None, None, None)

    async def read(self, keys: list[str]) -> dict[str, Any]:
        await self.open()
        return await asyncio.to_thread(run_to_end, super().read(keys))

    async def delete(self, keys: list[str]) -> None:
        await self.open()
        await asyncio.to_thread(run_to_end, super().delete(keys))

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("AzureCosmosStorage.write(): changes are required")
        await self.open()
        for key, item in changes.items():
            if e_tag_of(item) == "":
                raise ValueError("AzureCosmosStorage.write(): etag missing")
            await asyncio.to_thread(self._write_one, key, item)

    def _write_one(self, key: str, item: Any) -> None:
        e_tag = e_tag_of(item)
        document_id = CosmosDbKeyEscape.sanitize_key(
            key, self.config.key_suffix, self.config.compatibility_mode
        )
        body = {"id": document_id, "realId": key, "document": _document(item)}
        try:
            if e_tag == "*":
                result = self.container.upsert_item(body)
            elif e_tag:
                result = self.container.replace_item(
                    document_id, body, etag=e_tag, match_condition=MatchConditions.IfNotModified
                )
            else:
                result = self.container.create_item(body)
        except (
            CosmosAccessConditionFailedError,
            CosmosResourceExistsError,
            CosmosResourceNotFoundError,
        ) as error:
            raise StateConflict(f"{key} has changed since it was read") from error
        with_e_tag(item, result["_etag"])


def _document(item: Any) -> dict[str, Any]:
    """The item as the SDK stores it: flattened by jsonpickle, without its e-tag."""
    flat = Pickler().flatten(item)
    flat.pop("e_tag", None)
    return flat


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else "no details"

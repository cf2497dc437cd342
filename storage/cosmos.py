"""Bot state in Azure Cosmos DB: botbuilder-azure's CosmosDbPartitionedStorage, off the loop."""

import asyncio
import math
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from azure.core import MatchConditions
from azure.core.credentials import TokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError
from azure.core.pipeline.transport import RequestsTransport
from azure.cosmos import ConnectionRetryPolicy, CosmosClient, documents
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
from storage.deadline import StoreCalls
from storage.errors import StateConflict, StorageUnavailable
from storage.items import e_tag_of, with_e_tag

T = TypeVar("T")


class ClosableTokenCredential(TokenCredential, Protocol):
    """A token credential that holds resources until closed, as azure.identity's do."""

    def close(self) -> None: ...


class AzureCosmosStorage(CosmosDbPartitionedStorage):
    """One document per state item, in the SDK's format (`id`, `realId`, `document`), in a
    container partitioned on `/id`. Unlike the SDK's class:

    - every call to Cosmos DB runs in a worker thread: the SDK calls the synchronous client
      inside its async methods, which would stall every conversation while Cosmos answers;
    - a write conflicts (StateConflict) not only when the e-tag it carries is stale (412),
      but also when it carries none and the item exists (409), or was deleted meanwhile;
    - a write gives the writer's item its new e-tag;
    - `open()` connects and checks the database and container at start;
    - every read, write and delete ends within `timeout` seconds, or raises
      StorageUnreachable; `problem()` says whether the store can be used.

    `credential`: with no `auth_key`, the token credential to sign in with (the storage closes
    it with itself). Cosmos DB's data-plane roles cannot create databases or containers, so
    then both must exist. `ca_file`: a CA bundle to verify the endpoint's certificate with,
    instead of the system's.
    """

    def __init__(
        self,
        endpoint: str,
        auth_key: str,
        database_id: str,
        container_id: str,
        *,
        credential: ClosableTokenCredential | None = None,
        timeout: float = 3.0,
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
        self._credential = credential
        self._timeout = timeout
        self._start_timeout = start_timeout
        self._ca_file = ca_file
        # A thread cannot be stopped: a call given up at its deadline runs on until the
        # client's own timeouts end it. Its own threads keep the default pool free for others.
        self._threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="cosmos")
        self._calls = StoreCalls("Cosmos DB", timeout, self._probe)

    async def open(self) -> None:
        """Connect, and create the database and container if they are missing;
        StorageUnavailable naming the setting if that fails."""
        if self.container is not None:
            return
        try:
            async with asyncio.timeout(self._start_timeout):
                await self._in_thread(self._connect)
        except TimeoutError as error:
            raise StorageUnavailable(
                f"CosmosDbEndpoint: no answer from {self.config.cosmos_db_endpoint} "
                f"within {self._start_timeout:g} s"
            ) from error
        except ClientAuthenticationError as error:
            # The credential found no token (azure.identity logs what each source said).
            raise StorageUnavailable(
                f"CosmosDbEndpoint: no access token for {self.config.cosmos_db_endpoint}: "
                f"{_first_line(str(error))}"
            ) from error
        except CosmosHttpResponseError as error:
            if self._credential is not None and error.status_code in (401, 403):
                raise StorageUnavailable(
                    f"CosmosDbEndpoint: {self.config.cosmos_db_endpoint} refused the app's "
                    f"identity (HTTP {error.status_code}); it needs the Cosmos DB Built-in Data "
                    "Contributor role on the account"
                ) from error
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
        # Every call, retries included, is to end soon after `timeout`: the client's defaults
        # wait up to 300 s for an answer, retry ten times, and wait out throttling for 30 s.
        policy = documents.ConnectionPolicy()
        # To connect. (Declared an int, but seconds: the SDK itself sets a float.)
        policy.RequestTimeout = self._timeout  # type: ignore[assignment]
        policy.ConnectionRetryConfiguration = ConnectionRetryPolicy(
            retry_total=1, retry_backoff_factor=self._timeout / 10
        )
        policy.RetryOptions = documents.RetryOptions(
            max_retry_attempt_count=3, max_wait_time_in_seconds=math.ceil(self._timeout)
        )
        ssl = None
        if self._ca_file:
            ssl = documents.SSLConfiguration()
            ssl.SSLCaCerts = self._ca_file
        # The client reads the account as it is made: that is the first network call.
        self.client = CosmosClient(
            self.config.cosmos_db_endpoint,
            self._credential or self.config.auth_key,
            connection_policy=policy,
            ssl_config=ssl,
            transport=RequestsTransport(read_timeout=self._timeout),
            timeout=self._start_timeout,  # for the account read, retries included
        )
        if self._credential is None:
            run_to_end(self.initialize())
        else:
            self._use_existing_container()

    def _use_existing_container(self) -> None:
        """The database and container, read rather than created: a token's roles may not
        create them."""
        database = self.client.get_database_client(self.config.database_id)
        container = database.get_container_client(self.config.container_id)
        try:
            paths = container.read().get("partitionKey", {}).get("paths")
        except CosmosResourceNotFoundError as error:
            raise StorageUnavailable(
                f"CosmosDbContainerId: no container {self.config.container_id!r} in database "
                f"{self.config.database_id!r} at {self.config.cosmos_db_endpoint}; without "
                "CosmosDbAuthKey the bot cannot create it: create it, partitioned on /id"
            ) from error
        if paths != ["/id"]:
            raise StorageUnavailable(
                f"CosmosDbContainerId: container {self.config.container_id!r} is partitioned "
                f"on {paths}, not /id"
            )
        self.database, self.container = database, container

    async def close(self) -> None:
        """Close the client's HTTP session (the client has no close(); its `with` exit does it)."""
        if self.client is not None:
            self.client.__exit__(None, None, None)
        if self._credential is not None:
            self._credential.close()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def problem(self) -> str | None:
        return await self._calls.problem()

    async def _probe(self) -> object:
        return await self._in_thread(self.container.read)

    async def read(self, keys: list[str]) -> dict[str, Any]:
        await self.open()
        return await self._calls.run(self._in_thread(_run_sdk, super().read, keys))

    async def delete(self, keys: list[str]) -> None:
        await self.open()
        await self._calls.run(self._in_thread(_run_sdk, super().delete, keys))

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("AzureCosmosStorage.write(): changes are required")
        await self.open()
        for key, item in changes.items():
            if e_tag_of(item) == "":
                raise ValueError("AzureCosmosStorage.write(): etag missing")
            await self._calls.run(self._in_thread(self._write_one, key, item))

    def _in_thread(self, function: Callable[..., T], *args: Any) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._threads, function, *args)

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


def _run_sdk(method: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """One of the SDK's `async` methods, which never wait (they call the synchronous client),
    run to its end in this thread. The coroutine is made here, so that a call dropped from
    the queue at its deadline leaves no coroutine that was never awaited."""
    return run_to_end(method(*args))


def _document(item: Any) -> dict[str, Any]:
    """The item as the SDK stores it: flattened by jsonpickle, without its e-tag."""
    flat = Pickler().flatten(item)
    flat.pop("e_tag", None)
    return flat


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else "no details"

"""Where the bot keeps conversation and user state: `STORAGE` picks the store."""

from typing import Any, Protocol, runtime_checkable

from config import ConfigError, DefaultConfig
from storage.memory import MemoryStorage


class Storage(Protocol):
    """A store of items: each a JSON object (plain JSON, nothing else) under a key, with an
    e-tag that changes whenever the item is written. Every store of the bot keeps this
    contract (`tests/storage/test_store_contract.py`), on either SDK.

    - `read`: the items found (missing keys are left out), each a new dict holding the
      stored JSON and its `e_tag`.
    - `write`: each item under its key. An item whose `e_tag` is `*` overwrites; one with
      another e-tag is written only if the stored item still has it; one with none only if
      there is no item yet. Otherwise StateConflict: someone wrote it since it was read.
      The written item gets its new `e_tag`.
    - `delete`: the items, if there are any.
    """

    async def read(self, keys: list[str]) -> dict[str, dict[str, Any]]: ...

    async def write(self, changes: dict[str, dict[str, Any]]) -> None: ...

    async def delete(self, keys: list[str]) -> None: ...


@runtime_checkable
class ConnectedStorage(Protocol):
    """A store behind a network connection, which instances may share: checked at start,
    watched while in use, closed at shutdown."""

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def problem(self) -> str | None:
        """Why the store cannot be used now (one line, no secrets), or None."""
        ...


def create_storage(config: DefaultConfig) -> Storage:
    # The Azure SDKs are imported only when they are used: they take a while to load.
    if config.STORAGE == "blob":
        from storage.blob import AzureBlobStorage

        if config.BLOB_SERVICE_URL:
            from azure.identity.aio import DefaultAzureCredential

            return AzureBlobStorage(
                config.BLOB_SERVICE_URL,
                config.BLOB_CONTAINER_NAME,
                credential=DefaultAzureCredential(**_identity(config)),
                timeout=config.STORAGE_TIMEOUT,
            )
        try:
            return AzureBlobStorage(
                config.BLOB_CONNECTION_STRING,
                config.BLOB_CONTAINER_NAME,
                timeout=config.STORAGE_TIMEOUT,
            )
        except ValueError as error:
            raise ConfigError(f"BlobConnectionString is malformed: {error}") from None
    if config.STORAGE == "cosmos":
        from storage.cosmos import AzureCosmosStorage

        credential = None
        if not config.COSMOS_DB_AUTH_KEY:
            from azure.identity.aio import DefaultAzureCredential

            credential = DefaultAzureCredential(**_identity(config))
        return AzureCosmosStorage(
            config.COSMOS_DB_ENDPOINT,
            config.COSMOS_DB_AUTH_KEY,
            config.COSMOS_DB_DATABASE_ID,
            config.COSMOS_DB_CONTAINER_ID,
            credential=credential,
            timeout=config.STORAGE_TIMEOUT,
        )
    return MemoryStorage(idle_timeout=config.MEMORY_IDLE_TIMEOUT)


def _identity(config: DefaultConfig) -> dict[str, str]:
    """DefaultAzureCredential's options: in Azure, the user-assigned managed identity to use
    (App Service otherwise answers for the system-assigned one)."""
    if config.MANAGED_IDENTITY_CLIENT_ID:
        return {"managed_identity_client_id": config.MANAGED_IDENTITY_CLIENT_ID}
    return {}

from typing import Any

from botbuilder.core import Storage

class BlobStorageSettings:
    def __init__(
        self,
        container_name: str,
        account_name: str = "",
        account_key: str = "",
        connection_string: str = "",
    ) -> None: ...

class BlobStorage(Storage):
    # Incomplete: we take over its client and read its private names.
    def __init__(self, settings: BlobStorageSettings) -> None: ...
    async def read(self, keys: list[str]) -> dict[str, Any]: ...
    async def write(self, changes: dict[str, Any]) -> None: ...
    async def delete(self, keys: list[str]) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

class CosmosDbKeyEscape:
    @staticmethod
    def sanitize_key(key: str, key_suffix: str = "", compatibility_mode: bool = True) -> str: ...

class CosmosDbPartitionedConfig:
    cosmos_db_endpoint: str
    auth_key: str
    database_id: str
    container_id: str
    compatibility_mode: bool
    key_suffix: str
    def __init__(
        self,
        cosmos_db_endpoint: str | None = None,
        auth_key: str | None = None,
        database_id: str | None = None,
        container_id: str | None = None,
        cosmos_client_options: dict[str, Any] | None = None,
        container_throughput: int | None = None,
        key_suffix: str = "",
        compatibility_mode: bool = False,
        **kwargs: Any,
    ) -> None: ...

class CosmosDbPartitionedStorage(Storage):
    # Incomplete: we set up its client ourselves and read its private names.
    config: CosmosDbPartitionedConfig
    client: Any
    container: Any
    def __init__(self, config: CosmosDbPartitionedConfig) -> None: ...
    async def read(self, keys: list[str]) -> dict[str, Any]: ...
    async def write(self, changes: dict[str, Any]) -> None: ...
    async def delete(self, keys: list[str]) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

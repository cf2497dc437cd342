# Incomplete: azure-storage-blob 12.7.0 ships no types; the calls we make are not declared one by one.
from typing import Any

class BlobServiceClient:
    def __init__(self, account_url: str, credential: Any = None, **kwargs: Any) -> None: ...
    @classmethod
    def from_connection_string(
        cls, conn_str: str, credential: Any = None, **kwargs: Any
    ) -> BlobServiceClient: ...
    def __getattr__(self, name: str) -> Any: ...

class StorageStreamDownloader:
    def __getattr__(self, name: str) -> Any: ...

class LinearRetry:
    def __init__(
        self,
        backoff: float = 15,
        random_jitter_range: float = 3,
        retry_total: int = 3,
        retry_to_secondary: bool = False,
        **kwargs: Any,
    ) -> None: ...

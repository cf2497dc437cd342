from typing import Any

class ConnectorClient:
    # Incomplete: the attributes and operation groups we use are not declared one by one.
    config: Any
    def __init__(self, credentials: Any, base_url: str) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

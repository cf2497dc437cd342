from typing import Any

from botbuilder import schema as models

class Channels:
    console: str
    direct_line: str
    emulator: str
    ms_teams: str
    test: str
    webchat: str

class ConnectorClient:
    # Incomplete: the attributes and operation groups we use are not declared one by one.
    config: Any
    def __init__(self, credentials: Any, base_url: str) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

__all__ = ["Channels", "ConnectorClient", "models"]

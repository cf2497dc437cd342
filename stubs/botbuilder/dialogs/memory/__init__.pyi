from typing import Any

class ComponentMemoryScopesBase:
    def get_memory_scopes(self) -> list[Any]: ...

class ComponentPathResolversBase:
    def get_path_resolvers(self) -> list[Any]: ...

class DialogStateManagerConfiguration:
    memory_scopes: list[Any]
    path_resolvers: list[Any]
    def __init__(self) -> None: ...

class DialogStateManager:
    configuration: DialogStateManagerConfiguration
    def __init__(
        self, dialog_context: Any, configuration: DialogStateManagerConfiguration | None = None
    ) -> None: ...

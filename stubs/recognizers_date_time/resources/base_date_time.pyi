# Incomplete: a class of resource strings, lists and dicts, read by name.
from typing import Any

class BaseDateTime:
    def __getattr__(self, name: str) -> Any: ...

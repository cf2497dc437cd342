from typing import Any

class Culture:
    English: str
    Chinese: str
    Spanish: str
    Portuguese: str
    French: str
    German: str
    Italian: str
    Japanese: str
    Dutch: str
    Korean: str

class ModelResult:
    text: str
    start: int
    end: int
    type_name: str
    resolution: dict[str, Any]
    def __init__(self) -> None: ...

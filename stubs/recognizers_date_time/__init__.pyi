from datetime import datetime
from enum import IntFlag

from recognizers_text import ModelResult

class DateTimeOptions(IntFlag):
    NONE = 0

def recognize_datetime(
    query: str,
    culture: str,
    options: DateTimeOptions = ...,
    reference: datetime | None = None,
    fallback_to_default_culture: bool = True,
) -> list[ModelResult]: ...

from recognizers_text import ModelResult

def recognize_number(
    query: str, culture: str, options: int = ..., fallback_to_default_culture: bool = True
) -> list[ModelResult]: ...

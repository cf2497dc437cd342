from typing import Any

class JwtTokenExtractor:
    # Incomplete: the signing-key cache we replace, and its helpers.
    open_id_metadata_cache: dict[str, Any]
    get_open_id_metadata: Any  # a static method the signing-key cache replaces
    def __init__(
        self,
        validation_params: Any,
        metadata_url: str,
        allowed_algorithms: list[str],
    ) -> None: ...
    def __getattr__(self, name: str) -> Any: ...

class LuisApplication:
    application_id: str
    endpoint_key: str
    endpoint: str
    def __init__(self, application_id: str, endpoint_key: str, endpoint: str) -> None: ...

"""What any of our stores raises, whichever service is behind it."""


class StateConflict(Exception):
    """A write lost a race: the item changed (or was created) since this turn read it.

    Blob storage answers such a write with HTTP 412 or 409, Cosmos DB likewise; the memory
    storage imitates them. The turn that gets it must not count as done.
    """


class CorruptRecord(Exception):
    """A stored item is not a JSON object: it cannot be read, however often it is asked for.

    Blob or Cosmos DB hold what anyone put there. The message names the key and what is
    wrong, never the content; `e_tag` is the item's e-tag, under which a new record may be
    written over it (or "" when the store gave none).
    """

    def __init__(self, key: str, reason: str, e_tag: str = "") -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.e_tag = e_tag


class StorageUnavailable(Exception):
    """The store cannot be used at start; the message names the setting to look at."""


class StorageUnreachable(Exception):
    """A read, write or delete failed: the store refused, broke off or did not answer within
    its deadline. The message is one short line without addresses or secrets (`/healthz`
    shows it); the exception it comes from holds the details."""


def first_line(error: BaseException) -> str:
    """The first line of an exception's text, or its type when it has none."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

"""What any of our stores raises, whichever service is behind it."""


class StateConflict(Exception):
    """A write lost a race: the item changed (or was created) since this turn read it.

    Blob storage answers such a write with HTTP 412 or 409, Cosmos DB likewise; the memory
    storage imitates them. The turn that gets it must not count as done.
    """


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

"""What any of our stores raises, whichever service is behind it."""


class StateConflict(Exception):
    """A write lost a race: the item changed (or was created) since this turn read it.

    Blob storage answers such a write with HTTP 412 or 409, Cosmos DB likewise; the memory
    storage imitates them. The turn that gets it must not count as done.
    """


class StorageUnavailable(Exception):
    """The store cannot be used at start; the message names the setting to look at."""

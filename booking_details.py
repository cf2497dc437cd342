"""What the user has told us about the flight so far."""


class BookingDetails:
    """A plain object so botbuilder's state serializer round-trips it."""

    def __init__(
        self,
        destination: str | None = None,
        origin: str | None = None,
        travel_date: str | None = None,
        unsupported_airports: list[str] | None = None,
    ) -> None:
        self.destination = destination
        self.origin = origin
        self.travel_date = travel_date
        self.unsupported_airports = unsupported_airports if unsupported_airports is not None else []

    def __repr__(self) -> str:
        return (
            f"BookingDetails(destination={self.destination!r}, origin={self.origin!r}, "
            f"travel_date={self.travel_date!r}, unsupported_airports={self.unsupported_airports!r})"
        )

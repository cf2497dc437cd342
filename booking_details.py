"""What the user has told us about the flight so far."""

from typing import Any


class BookingDetails:
    """The booking so far; stored in the dialog state as `to_json()` gives it."""

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

    def to_json(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "origin": self.origin,
            "travelDate": self.travel_date,
            "unsupportedAirports": list(self.unsupported_airports),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "BookingDetails":
        """The details `to_json` stored; anything but text where text is kept is dropped."""
        airports = data.get("unsupportedAirports")
        return cls(
            destination=_text(data.get("destination")),
            origin=_text(data.get("origin")),
            travel_date=_text(data.get("travelDate")),
            unsupported_airports=[name for name in airports if isinstance(name, str)]
            if isinstance(airports, list)
            else [],
        )

    def __repr__(self) -> str:
        return (
            f"BookingDetails(destination={self.destination!r}, origin={self.origin!r}, "
            f"travel_date={self.travel_date!r}, unsupported_airports={self.unsupported_airports!r})"
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None

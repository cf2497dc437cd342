"""The airports the bot books: the `Airport` list of the language model in cognitive_models/."""

import json
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent.parent / "cognitive_models" / "FlightBooking.json"


@cache
def supported_airports(path: Path = MODEL_FILE) -> tuple[str, ...]:
    app = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        sub_list["canonicalForm"]
        for closed_list in app.get("closedLists", [])
        if closed_list["name"] == "Airport"
        for sub_list in closed_list["subLists"]
    )


def in_words(names: tuple[str, ...]) -> str:
    """`Paris, London and Berlin`."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def airports_served() -> str:
    """`I can book flights between Paris, London, Berlin, New York and Seattle.`"""
    return f"I can book flights between {in_words(supported_airports())}."

"""Turns a LUIS-shaped RecognizerResult into an intent and the booking details it carries."""

import logging
import re
from enum import Enum
from itertools import pairwise
from typing import Any, Protocol

from booking_details import BookingDetails
from helpers.datetime_helper import (
    date_part,
    is_bookable,
    is_date,
    numeric_date,
    passed_weekday,
    with_year_said,
)
from helpers.phrases import takes_back
from helpers.user_text import echo
from recognizers.places import place_name
from recognizers.result import RecognizerResult
from sdk import TurnContext

logger = logging.getLogger(__name__)


class Intent(Enum):
    BOOK_FLIGHT = "BookFlight"
    CANCEL = "Cancel"
    GET_WEATHER = "GetWeather"
    NONE_INTENT = "None"


class SupportsRecognize(Protocol):
    """A language-understanding back end: all that asking it needs."""

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult: ...


class IntentRecognizer(SupportsRecognize, Protocol):
    """What the dialogs need from a language-understanding back end."""

    @property
    def is_configured(self) -> bool: ...


def top_intent(result: RecognizerResult) -> Intent:
    """The highest-scoring intent; an intent we do not know counts as None."""
    if not result.intents:
        return Intent.NONE_INTENT
    name = max(result.intents, key=lambda intent: result.intents[intent].score or 0.0)
    try:
        return Intent(name)
    except ValueError:
        return Intent.NONE_INTENT


def booking_details(result: RecognizerResult, locale: object = None) -> BookingDetails:
    """Destination, origin and date found in a BookFlight utterance.

    A city recognised as an `Airport` is taken by its canonical name; a city the
    airport list does not know goes to `unsupported_airports` in Title Case, To before
    From, then any other place named (`geographyV2`) that no role claimed. A date in
    numbers is read in the order `locale` (the activity's) writes dates.
    """
    entities = result.entities or {}
    details = BookingDetails()
    details.destination = _airport(entities, "To", details.unsupported_airports)
    details.origin = _airport(entities, "From", details.unsupported_airports)
    for place in _unclaimed_places(entities):
        if place not in details.unsupported_airports:
            details.unsupported_airports.append(place)
    details.travel_date = _travel_date(entities, result.text or "", locale)
    return details


def top_score(result: RecognizerResult) -> float:
    return max((score.score or 0.0 for score in (result.intents or {}).values()), default=0.0)


# The score of a role (To/From) that a recognizer guessed rather than read: the embedded
# recognizer takes a lone city for the destination, at this score.
GUESSED_ROLE = 0.5


def roles_said(result: RecognizerResult) -> frozenset[str]:
    """The roles (`To`, `From`) whose cities were said to have them; not those a recognizer
    guessed (`Paris tomorrow`: at the origin question such a city is the origin)."""
    instance = (result.entities or {}).get("$instance", {})
    return frozenset(
        role
        for role in ("From", "To")
        if instance.get(role)
        and all((mention.get("score") or 1.0) > GUESSED_ROLE for mention in instance[role])
    )


def only_entities(result: RecognizerResult) -> bool:
    """True when every word of the text is part of an entity (`Paris tomorrow`): the
    message gives values, whatever intent the model leans to."""
    text = result.text or ""
    covered = [False] * len(text)
    for mentions in (result.entities or {}).get("$instance", {}).values():
        for mention in mentions:
            start, end = mention.get("startIndex", 0), mention.get("endIndex", 0)
            covered[start:end] = [True] * len(covered[start:end])
    return not any(char.isalnum() and not covered[index] for index, char in enumerate(text))


async def recognize_safely(
    recognizer: SupportsRecognize, turn_context: TurnContext
) -> RecognizerResult | None:
    """The recognizer's result; None when the back end failed (logged), never a failed turn."""
    try:
        return await recognizer.recognize(turn_context)
    except Exception:
        logger.exception("The recognizer failed; treating the message as not understood")
        return None


async def execute_luis_query(
    recognizer: SupportsRecognize, turn_context: TurnContext
) -> tuple[Intent, BookingDetails | None]:
    """Ask the recognizer; a failing back end means "not understood", never a failed turn."""
    result = await recognize_safely(recognizer, turn_context)
    if result is None:
        return Intent.NONE_INTENT, None
    intent = top_intent(result)
    if intent is not Intent.BOOK_FLIGHT:
        return intent, None
    return intent, booking_details(result, turn_context.activity.locale)


def _airport(entities: dict[str, Any], role: str, unsupported: list[str]) -> str | None:
    mentions = entities.get("$instance", {}).get(role) or []
    if not mentions:
        return None
    said = echo(str(mentions[0].get("text", "")))
    composite = (entities.get(role) or [{}])[0]
    if not composite.get("Airport"):
        places = composite.get("geographyV2") or [{}]
        unsupported.append(place_name(str(places[0].get("value") or said)))
        return None
    first = composite["Airport"][0]
    return echo(str(first[0] if isinstance(first, list) else first))


def _unclaimed_places(entities: dict[str, Any]) -> list[str]:
    """Places named outside any From/To mention: `Rome Berlin` names Rome, roles unknown."""
    instance = entities.get("$instance", {})
    claimed = [
        (mention.get("startIndex"), mention.get("endIndex"))
        for role in ("From", "To")
        for mention in instance.get(role) or []
    ]
    places = zip(instance.get("geographyV2") or [], entities.get("geographyV2") or [], strict=False)
    return [
        place_name(str(value.get("value") or mention.get("text", "")))
        for mention, value in places
        if (mention.get("startIndex"), mention.get("endIndex")) not in claimed
    ]


def _travel_date(entities: dict[str, Any], text: str, locale: object) -> str | None:
    """The first day named from today on, else the first date named. Times, durations and
    vague references (`asap`, `right now`) are not dates; two dates offered as alternatives
    (`dec 5 or dec 6`) are none: the bot asks. A date in numbers is the locale's reading
    (helpers/datetime_helper.numeric_date), whatever the back end made of it."""
    mentions = entities.get("$instance", {}).get("datetime") or []
    dates: list[tuple[str, dict[str, Any]]] = []
    for number, value in enumerate(entities.get("datetime") or []):
        timex = [t for t in value.get("timex") or [] if isinstance(t, str) and is_date(t)]
        if not timex:
            continue
        mention = mentions[number] if number < len(mentions) else {}
        said = str(mention.get("text", ""))
        if _VAGUE.search(said.lower()) or _about(text, mention):
            continue  # `a couple of weeks from now`, `the week of May 10` are no one day
        day = (
            numeric_date(said, locale)
            or passed_weekday(said, timex[0])
            or with_year_said(date_part(timex[0]), text[mention.get("endIndex", len(text)) :])
        )
        if dates and _taken_back(text, dates[-1][1], mention):
            dates.pop()  # `March 3, actually make that March 5`
        dates.append((day, mention))
    if any(_alternatives(text, first, second) for first, second in pairwise(mentions)):
        return None
    days = [day for day, _ in dates]
    return next((day for day in days if is_bookable(day)), days[0] if days else None)


# Words for a number nobody gave: `a couple of weeks`, `a few days`.
_VAGUE = re.compile(r"\b(couple|few|several|some)\b")
# Words before a day, or its own first words, that make it a span or a rough day: `the week
# of May 10`, `around June 3`.
_ABOUT = re.compile(r"\b(around|approximately|roughly|sometime|circa)( the)?\s*$")
_SPAN_OF = re.compile(r"^(the )?(week|weekend|month) of\b")


def _about(text: str, mention: dict[str, Any]) -> bool:
    """True when a date is the week of a day, or about a day."""
    before = text[: mention.get("startIndex", 0)].lower()
    said = str(mention.get("text", "")).lower()
    return _SPAN_OF.search(said) is not None or _ABOUT.search(before) is not None


def _taken_back(text: str, first: dict[str, Any], second: dict[str, Any]) -> bool:
    """True when words between two dates take the first back."""
    between = text[first.get("endIndex", 0) : second.get("startIndex", 0)].lower()
    return takes_back(re.findall(r"[a-z]+", between))


def _alternatives(text: str, first: dict[str, Any], second: dict[str, Any]) -> bool:
    """`dec 5 or dec 6`: two dates the user hesitates between."""
    between = text[first.get("endIndex", 0) : second.get("startIndex", 0)]
    return between.strip(" ,").lower() in ("or", "or maybe", "or else", "/")

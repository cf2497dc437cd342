"""Collects destination, origin and date, then asks the user to confirm the flight."""

import re
from collections.abc import Mapping
from functools import partial
from typing import Any, cast

import telemetry
from booking_details import BookingDetails
from dialogs.cancel_and_help_dialog import CancelAndHelpDialog
from dialogs.confirm_prompt import OffLoopConfirmPrompt
from dialogs.date_resolver_dialog import DateResolverDialog
from dialogs.interruptible_dialog import (
    FORM_PROMPT,
    Handler,
    Interruption,
    Recognition,
    answer_and_ask_again,
)
from helpers.airports import airports_served
from helpers.datetime_helper import is_bookable, is_definite, numeric_date
from helpers.message_helper import question, statement, warn_unsupported_airports
from helpers.phrases import (
    Topic,
    asks_about,
    asks_to_swap,
    field_said_wrong,
    garbled_yes_or_no,
    has_second_thoughts,
)
from helpers.user_text import MAX_ECHO_LENGTH, tidy
from recognizers.cities import Role
from recognizers.dates import find_dates_off_loop
from recognizers.lexicon import lexicon
from sdk import (
    DialogContext,
    DialogTurnResult,
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
    TurnContext,
    WaterfallDialog,
    WaterfallStepContext,
)

WATERFALL = "BookingWaterfall"
CITY_PROMPT = "CityPrompt"
CONFIRM_PROMPT = "ConfirmPrompt"
CITY_FIELDS = ("destination", "origin")


class BookingDialog(CancelAndHelpDialog):
    """Options: the BookingDetails known so far. Result: the details, or None if declined.

    At any of its questions the user may give more than was asked (`to Berlin from Paris
    tomorrow`), correct what was said (`no, to London` at the confirmation), or ask which
    cities it flies to.
    """

    def __init__(self, dialog_id: str | None = None) -> None:
        super().__init__(dialog_id or BookingDialog.__name__)
        self.add_prompt(TextPrompt(CITY_PROMPT, is_airport), FORM_PROMPT)
        self.add_prompt(OffLoopConfirmPrompt(CONFIRM_PROMPT, aside_at_confirmation), FORM_PROMPT)
        self.add_dialog(DateResolverDialog())
        self.add_dialog(
            WaterfallDialog(
                WATERFALL,
                [
                    self.destination_step,
                    self.origin_step,
                    self.travel_date_step,
                    self.confirm_step,
                    self.final_step,
                ],
            )
        )
        self.starts_with(WATERFALL)

    async def destination_step(self, step_context: WaterfallStepContext):
        """Where to, unless already known."""
        details = booking_of(step_context)
        if details.destination is None:
            return await ask_city(
                step_context, "Where would you like to travel to?", Role.TO, details.origin
            )
        return await step_context.next(details.destination)

    async def origin_step(self, step_context: WaterfallStepContext):
        """Where from, unless already known."""
        details = booking_of(step_context)
        details.destination = said(step_context)
        if details.origin is not None and details.origin == details.destination:
            await step_context.context.send_activity(statement(same_city(details.origin)))
            details.origin = None
        if details.origin is None:
            return await ask_city(
                step_context,
                "From what city will you be travelling?",
                Role.FROM,
                details.destination,
            )
        return await step_context.next(details.origin)

    async def travel_date_step(self, step_context: WaterfallStepContext):
        """When, unless a day from today on is already known."""
        details = booking_of(step_context)
        details.origin = said(step_context)
        if details.travel_date is None or not is_bookable(details.travel_date):
            return await step_context.begin_dialog(DateResolverDialog.__name__, details.travel_date)
        return await step_context.next(details.travel_date)

    async def confirm_step(self, step_context: WaterfallStepContext):
        """Read the booking back and ask for a yes or no."""
        details = booking_of(step_context)
        details.travel_date = said(step_context)
        text = (
            f"Please confirm, I have you traveling to: {details.destination} "
            f"from: {details.origin} on: {details.travel_date}."
        )
        return await step_context.prompt(
            CONFIRM_PROMPT, PromptOptions(prompt=question(text), validations=vars(details))
        )

    async def final_step(self, step_context: WaterfallStepContext):
        """End with the details if confirmed, or None if declined."""
        details = booking_of(step_context) if step_context.result else None
        telemetry.booking("completed" if details else "declined")
        return await step_context.end_dialog(details)

    def fresh_options(self) -> BookingDetails:
        return BookingDetails()

    def stored_options(self, dialog_id: str, data: Any) -> Any:
        if dialog_id == WATERFALL and isinstance(data, dict):
            return BookingDetails.from_json(data)
        return data

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        handler = await super().claim(interruption, inner_dc)
        if handler is not None:
            return handler
        at_confirmation = interruption.prompt_id == CONFIRM_PROMPT
        if interruption.asks_about(Topic.CITIES) and not (
            at_confirmation and interruption.asks_about(Topic.BOOKING)
        ):
            return self.list_airports
        details = booking_in(inner_dc)
        if at_confirmation and interruption.policy.questions and asks_to_swap(interruption.text):
            # `no, the other way round`
            swapped = {"destination": details.origin, "origin": details.destination}
            return partial(self.revise, swapped, [])
        if interruption.policy.min_score is not None:
            replaced = await replacement(interruption.context, details)
            if replaced is not None:
                return partial(self.revise, *replaced)
        recognition = await interruption.recognition()
        if recognition is None or recognition.is_other_request:
            changes = {}
        else:
            changes = revisions(recognition, details)
        unsupported = (
            recognition.details.unsupported_airports
            if recognition and recognition.is_booking
            else []
        )
        if changes or unsupported:
            return partial(self.revise, changes, unsupported)
        if at_confirmation and recognition and recognition.values_only and recognition.names_values:
            # Only what the booking already says (`tomorrow` again, when the confirmation
            # never arrived): the confirmation again.
            return partial(self.revise, {}, [])
        wrong = field_said_wrong(interruption.text) if at_confirmation else None
        if wrong is not None:
            return partial(self.revise, {wrong: None}, [])  # `no, wrong date`: asked again
        return None

    async def list_airports(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, airports_served())

    async def revise(
        self, changes: Mapping[str, str | None], unsupported: list[str], inner_dc: DialogContext
    ) -> DialogTurnResult:
        """Take the new values (None: asked again) and go on from the first question still
        open."""
        details = booking_in(inner_dc)
        for field, value in changes.items():
            setattr(details, field, value)
        await warn_unsupported_airports(inner_dc.context, unsupported)
        await inner_dc.cancel_all_dialogs()
        return await inner_dc.begin_dialog(WATERFALL, details)


def booking_of(step_context: WaterfallStepContext) -> BookingDetails:
    """The details the booking's waterfall is filling in (its options)."""
    return cast(BookingDetails, step_context.options)


def said(step_context: WaterfallStepContext) -> str | None:
    """What the previous step or question gave: a city, or a date."""
    return cast(str | None, step_context.result)


def booking_in(inner_dc: DialogContext) -> BookingDetails:
    """The details the booking's waterfall is filling in."""
    waterfall = next(instance for instance in inner_dc.stack if instance.id == WATERFALL)
    return waterfall.state[WaterfallDialog.PersistedOptions]


# A message that replaces one value with another: `change Paris to Seattle`, `not Paris,
# Berlin`, `March 7 instead of March 6`.
_REPLACING = re.compile(
    r"\b(change|changed|switch|replace|instead|rather than|not|make (it|that)|meant|mean"
    r"|correction|wrong)\b|->|→"
)
_RANGE = re.compile(r"\(([^,]+),([^,]+),P\w+\)")
_DAY_ALONE = re.compile(r"\bthe (\d{1,2})(?:st|nd|rd|th)\b")
_REPLACING_VERB = re.compile(r"\b(change|changed|switch|replace)\b", re.IGNORECASE)


async def replacement(
    context: TurnContext, details: BookingDetails
) -> tuple[dict[str, str | None], list[str]] | None:
    """The change a message makes that names both the value it replaces and the new one,
    at any question, and the cities it names that the bot does not serve; None if it is no
    such message."""
    text = context.activity.text or ""
    if _REPLACING.search(tidy(text).lower()) is None:
        return None
    booked = {"destination": details.destination, "origin": details.origin}
    places = lexicon().places_in(text)
    old = [field for city in places for field, value in booked.items() if value == city.airport]
    new = [city for city in places if city.airport not in booked.values()]
    if len(old) == 1 and len(new) == 1:
        if new[0].airport is None:
            return {}, [new[0].shown]
        # `to London from Paris` gives each city its role: no replacing one by the other
        # (unless a verb says so: the `to` of `change Paris to Seattle` is no role).
        roles = {city.airport: city.role for city in lexicon().cities_in(text) if city.sure}
        said = roles.get(new[0].airport)
        if said and CITY_FIELDS[said is Role.FROM] != old[0] and not _REPLACING_VERB.search(text):
            return None
        return {old[0]: new[0].airport}, []
    day = await _replacement_day(text, context.activity.locale, details.travel_date)
    return ({"travel_date": day}, []) if day else None


async def _replacement_day(text: str, locale: object, booked: str | None) -> str | None:
    """`March 7 instead of March 6` for a flight on 2028-03-06: 2028-03-07 (the year, and
    the month, of the day replaced where the new one leaves them out)."""
    if booked is None or not is_definite(booked):
        return None
    meant = lexicon().read(text).meant
    mentions = await find_dates_off_loop(meant)
    days = [
        said
        for mention in mentions
        # `march 6 to the 9th` is read as a range: its two ends are the two days.
        for said in _RANGE.sub(
            r"\1 \2", numeric_date(mention.text, locale) or mention.timex[0]
        ).split()
    ]
    # recognizers-text finds no date in `the 9th` alone: look between the dates it found.
    edges = [0, *(i for m in mentions for i in (m.start, m.end)), len(meant)]
    outside = " ".join(meant[edges[i] : edges[i + 1]] for i in range(0, len(edges) - 1, 2))
    days += [f"XXXX-XX-{int(n):02}" for n in _DAY_ALONE.findall(outside) if 1 <= int(n) <= 31]
    year, month, day = booked[:4], booked[5:7], booked[8:10]
    old = [said for said in days if re.fullmatch(rf"({year}|XXXX)-({month}|XX)-{day}", said)]
    new = [said for said in days if said not in old]
    if len(old) != 1 or len(new) != 1:
        return None
    found = re.fullmatch(r"(\d{4}|XXXX)-(\d{2}|XX)-(\d{2})", new[0])
    if found is None:
        return None
    whole = f"{found[1].replace('XXXX', year)}-{found[2].replace('XX', month)}-{found[3]}"
    return whole if is_definite(whole) else None


def asked_field(details: BookingDetails) -> str | None:
    """The field the waiting question asks for; None at the confirmation."""
    if details.destination is None:
        return "destination"
    if details.origin is None:
        return "origin"
    if details.travel_date is None or not is_bookable(details.travel_date):
        return "travel_date"
    return None


def revisions(recognition: Recognition, details: BookingDetails) -> dict[str, str]:
    """The fields a message changes besides the one asked, if any: {} means it is an answer.

    A city goes by its role (To, From) when the recognizer is sure the message is a booking
    request and the role was said (`from Berlin`); a lone city whose role is not said
    answers the city question asked, or at the confirmation changes the destination (`yes
    but make it London`). A value the booking already has changes nothing.
    """
    asked = asked_field(details)
    found = recognition.details
    changes: dict[str, str | None] = {"travel_date": found.travel_date}
    unplaced = []
    for field, role, city in (
        ("destination", "To", found.destination),
        ("origin", "From", found.origin),
    ):
        if recognition.is_booking and role in recognition.roles_said:
            changes[field] = city
        elif city:
            unplaced.append(city)
    open_field = asked if asked in CITY_FIELDS else "destination" if asked is None else None
    if open_field and not changes.get(open_field) and len(unplaced) == 1:
        changes[open_field] = unplaced[0]
    said = {
        field: value
        for field, value in changes.items()
        if value and value != getattr(details, field)
    }
    return said if set(said) - {asked} else {}


async def ask_city(
    step_context: WaterfallStepContext, text: str, role: Role, other_city: str | None
):
    """Ask for a city: `role` says which one (for an answer that names two), `other_city` is
    the one it must differ from."""
    options = PromptOptions(
        prompt=question(text), validations={"role": role.value, "other": other_city}
    )
    return await step_context.prompt(CITY_PROMPT, options)


def same_city(city: str) -> str:
    return f"A flight can't start and end in {city}."


async def is_airport(prompt_context: PromptValidatorContext) -> bool:
    """An airport the bot serves, by any name or misspelling (`Berln`, `I'm in London`); the
    answer becomes its canonical name. A city it does not serve gets the "not supported"
    line and the question again; an answer with no city, the cities it serves.

    Blank or invisible answers (an attachment, a card submit, zero-width spaces) are asked
    again without a word, as the original does.
    """
    recognized = prompt_context.recognized
    if not recognized.succeeded:
        return False
    said = tidy(str(recognized.value))
    if not 0 < len(said) <= MAX_ECHO_LENGTH:
        return False
    cities = lexicon().cities_in(said)
    airports = [(city.role, city.airport) for city in cities if city.airport is not None]
    # ask_city's validations. A question asked before this version carries none: any role, no
    # other city.
    asked = cast("Mapping[str, str | None]", prompt_context.options.validations or {})
    context = prompt_context.context
    if airports:
        role = asked.get("role")
        airport = next((a for r, a in airports if r and r.value == role), airports[0][1])
        if airport != asked.get("other"):
            recognized.value = airport
            return True
        await context.send_activity(statement(same_city(airport)))
    elif cities:
        await warn_unsupported_airports(context, [city.shown for city in cities])
    else:
        await context.send_activity(statement(airports_served()))
    # The prompt says nothing more once the turn has replied: the question is asked here.
    if prompt_context.options.prompt is not None:
        await context.send_activity(prompt_context.options.prompt)
    return False


async def aside_at_confirmation(prompt_context: PromptValidatorContext) -> str:
    """One short sentence for an answer to the confirmation that is neither yes nor no."""
    said = prompt_context.context.activity.text or ""
    # confirm_step's booking details; None for a question asked before this version.
    booking = cast("Mapping[str, Any] | None", prompt_context.options.validations)
    if booking and asks_about(said, Topic.BOOKING):
        return (
            f"You are flying to {booking['destination']} from {booking['origin']} "
            f"on {booking['travel_date']}."
        )
    if garbled_yes_or_no(said):
        return "Sorry, was that a yes or a no?"
    if has_second_thoughts(said):
        return 'To change it, tell me what is different, like "to London" or "on March 3rd 2027".'
    return "Right now I can only book this flight: say yes to book it, or no to drop it."

"""Collects destination, origin and date, then asks the user to confirm the flight."""

from botbuilder.dialogs import WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import (
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
)

from booking_details import BookingDetails
from dialogs.cancel_and_help_dialog import CancelAndHelpDialog
from dialogs.confirm_prompt import OffLoopConfirmPrompt
from dialogs.date_resolver_dialog import DateResolverDialog
from helpers.datetime_helper import is_definite
from helpers.message_helper import question
from helpers.user_text import MAX_ECHO_LENGTH, tidy

WATERFALL = "BookingWaterfall"
CITY_PROMPT = "CityPrompt"
CONFIRM_PROMPT = "ConfirmPrompt"


class BookingDialog(CancelAndHelpDialog):
    """Options: the BookingDetails known so far. Result: the details, or None if declined."""

    def __init__(self, dialog_id: str | None = None) -> None:
        super().__init__(dialog_id or BookingDialog.__name__)
        self.add_dialog(TextPrompt(CITY_PROMPT, is_city))
        self.add_dialog(OffLoopConfirmPrompt(CONFIRM_PROMPT))
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
        self.initial_dialog_id = WATERFALL

    async def destination_step(self, step_context: WaterfallStepContext):
        """Where to, unless already known."""
        details: BookingDetails = step_context.options
        if details.destination is None:
            return await ask_city(step_context, "Where would you like to travel to?")
        return await step_context.next(details.destination)

    async def origin_step(self, step_context: WaterfallStepContext):
        """Where from, unless already known."""
        details: BookingDetails = step_context.options
        details.destination = step_context.result
        if details.origin is None:
            return await ask_city(step_context, "From what city will you be travelling?")
        return await step_context.next(details.origin)

    async def travel_date_step(self, step_context: WaterfallStepContext):
        """When, unless a definite date is already known."""
        details: BookingDetails = step_context.options
        details.origin = step_context.result
        if details.travel_date is None or not is_definite(details.travel_date):
            return await step_context.begin_dialog(DateResolverDialog.__name__, details.travel_date)
        return await step_context.next(details.travel_date)

    async def confirm_step(self, step_context: WaterfallStepContext):
        """Read the booking back and ask for a yes or no."""
        details: BookingDetails = step_context.options
        details.travel_date = step_context.result
        text = (
            f"Please confirm, I have you traveling to: {details.destination} "
            f"from: {details.origin} on: {details.travel_date}."
        )
        return await step_context.prompt(CONFIRM_PROMPT, PromptOptions(prompt=question(text)))

    async def final_step(self, step_context: WaterfallStepContext):
        """End with the details if confirmed, or None if declined."""
        details: BookingDetails | None = step_context.options if step_context.result else None
        return await step_context.end_dialog(details)


async def ask_city(step_context: WaterfallStepContext, text: str):
    return await step_context.prompt(CITY_PROMPT, PromptOptions(prompt=question(text)))


async def is_city(prompt_context: PromptValidatorContext) -> bool:
    """Some visible text, not too long to repeat back; the answer is kept tidied.

    Blank or invisible answers (an attachment, a card submit, zero-width spaces) are not cities.
    """
    recognized = prompt_context.recognized
    if not recognized.succeeded:
        return False
    recognized.value = tidy(recognized.value)
    return 0 < len(recognized.value) <= MAX_ECHO_LENGTH

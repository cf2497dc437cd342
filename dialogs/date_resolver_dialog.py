"""Asks for the travel date until the user gives one calendar day."""

from botbuilder.dialogs import WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, PromptValidatorContext

from dialogs.cancel_and_help_dialog import CancelAndHelpDialog
from dialogs.date_prompt import DatePrompt
from helpers.datetime_helper import date_part, is_definite
from helpers.message_helper import question

WATERFALL = "DateResolverWaterfall"
DATE_PROMPT = "DatePrompt"

ASK_DATE = "On what date would you like to travel?"
# The trailing space is the original sample's wording, kept for a faithful port.
ASK_FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)


class DateResolverDialog(CancelAndHelpDialog):
    """Options: the TIMEX the user gave so far, or None. Result: a `YYYY-MM-DD` date."""

    def __init__(self, dialog_id: str | None = None) -> None:
        super().__init__(dialog_id or DateResolverDialog.__name__)
        self.add_dialog(DatePrompt(DATE_PROMPT, is_definite_date))
        self.add_dialog(WaterfallDialog(WATERFALL, [self.date_step, self.final_step]))
        self.initial_dialog_id = WATERFALL

    async def date_step(self, step_context: WaterfallStepContext):
        """Ask for the date, unless the one given is already definite."""
        timex: str | None = step_context.options
        if timex and is_definite(timex):
            return await step_context.end_dialog(date_part(timex))
        retry = question(ASK_FULL_DATE)
        # A date given without its year (say "may 5th") gets the precise question at once.
        prompt = retry if timex else question(ASK_DATE)
        return await step_context.prompt(
            DATE_PROMPT, PromptOptions(prompt=prompt, retry_prompt=retry)
        )

    async def final_step(self, step_context: WaterfallStepContext):
        """Return the date the user gave."""
        return await step_context.end_dialog(date_part(step_context.result[0].timex))


async def is_definite_date(prompt_context: PromptValidatorContext) -> bool:
    recognized = prompt_context.recognized
    return recognized.succeeded and is_definite(recognized.value[0].timex)

"""Asks for the travel date until the user gives one calendar day, today or later."""

from typing import cast

from dialogs.cancel_and_help_dialog import CancelAndHelpDialog
from dialogs.date_prompt import DatePrompt
from dialogs.interruptible_dialog import (
    FORM_PROMPT,
    Handler,
    Interruption,
    answer_and_ask_again,
)
from helpers.datetime_helper import (
    date_part,
    day_and_month_unclear,
    is_bookable,
    is_definite,
    passed_weekday,
)
from helpers.message_helper import question, statement
from helpers.phrases import Topic
from sdk import (
    DateTimeResolution,
    DialogContext,
    DialogTurnResult,
    PromptOptions,
    PromptValidatorContext,
    WaterfallDialog,
    WaterfallStepContext,
)

WATERFALL = "DateResolverWaterfall"
DATE_PROMPT = "DatePrompt"

ASK_DATE = "On what date would you like to travel?"
# The trailing space is the original sample's wording, kept for a faithful port.
ASK_FULL_DATE = (
    "I'm sorry, for best results, please enter your travel date including the month, day and year. "
)
IN_THE_PAST = "That date is in the past. I can only book flights from today on."
WHICH_DATES = (
    "You can travel on any day from today on. Tell me the day, the month and the year, "
    'or say something like "tomorrow" or "next Friday".'
)


class DateResolverDialog(CancelAndHelpDialog):
    """Options: the TIMEX the user gave so far, or None. Result: a `YYYY-MM-DD` date."""

    def __init__(self, dialog_id: str | None = None) -> None:
        super().__init__(dialog_id or DateResolverDialog.__name__)
        self.add_prompt(DatePrompt(DATE_PROMPT, is_bookable_date), FORM_PROMPT)
        self.add_dialog(WaterfallDialog(WATERFALL, [self.date_step, self.final_step]))
        self.starts_with(WATERFALL)

    async def date_step(self, step_context: WaterfallStepContext):
        """Ask for the date, unless the one given is already definite and not past."""
        timex = cast(str | None, step_context.options)
        if timex and is_definite(timex):
            if is_bookable(timex):
                return await step_context.end_dialog(date_part(timex))
            await step_context.context.send_activity(statement(IN_THE_PAST))
            timex = None
        retry = question(ASK_FULL_DATE)
        # A date given without its year (say "may 5th") gets the precise question at once.
        prompt = retry if timex else question(ASK_DATE)
        return await step_context.prompt(
            DATE_PROMPT, PromptOptions(prompt=prompt, retry_prompt=retry)
        )

    async def final_step(self, step_context: WaterfallStepContext):
        """Return the date the user gave."""
        resolutions = cast(list[DateTimeResolution], step_context.result)
        return await step_context.end_dialog(date_part(str(resolutions[0].timex)))

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        if interruption.prompt_id == DATE_PROMPT and interruption.asks_about(Topic.DATES):
            return self.explain_dates
        return await super().claim(interruption, inner_dc)

    async def explain_dates(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, WHICH_DATES)


async def is_bookable_date(prompt_context: PromptValidatorContext) -> bool:
    """One calendar day, today or later. A past day is refused here, with its own answer;
    a span (`next week`), a weekday gone by (`this friday` on a Saturday) or a date in
    numbers whose day and month could be swapped (`05/12/2026`) is no one day."""
    recognized = prompt_context.recognized
    if not recognized.succeeded:
        return False
    timex = str(cast(list[DateTimeResolution], recognized.value)[0].timex)
    if not is_definite(timex):
        return False
    said = prompt_context.context.activity.text or ""
    if passed_weekday(said, timex) or day_and_month_unclear(said):
        return False
    if not is_bookable(timex):
        # The prompt sends no retry once the turn has replied, so the question is asked here.
        await prompt_context.context.send_activities([statement(IN_THE_PAST), question(ASK_DATE)])
        return False
    return True

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
    either_days,
    is_bookable,
    is_definite,
    numeric_date,
    passed_weekday,
    spoken_day,
)
from helpers.message_helper import question, statement
from helpers.phrases import Topic, which_of_two_days
from recognizers.dates import find_dates_off_loop
from recognizers.lexicon import lexicon
from sdk import (
    Activity,
    CardAction,
    DateTimeResolution,
    DialogContext,
    DialogTurnResult,
    PromptOptions,
    PromptValidatorContext,
    SuggestedActions,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
)

WATERFALL = "DateResolverWaterfall"
DATE_PROMPT = "DatePrompt"
WHICH_DAY_PROMPT = "WhichDayPrompt"

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
        self.add_prompt(TextPrompt(WHICH_DAY_PROMPT, is_one_of_the_days), FORM_PROMPT)
        self.add_dialog(
            WaterfallDialog(WATERFALL, [self.date_step, self.which_day_step, self.final_step])
        )
        self.starts_with(WATERFALL)

    async def date_step(self, step_context: WaterfallStepContext):
        """Ask for the date, unless the one given is already definite and not past, or one
        of two days (a date in numbers from a channel that says not how it writes them)."""
        timex = cast(str | None, step_context.options)
        if either_days(timex):
            return await step_context.next(timex)
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

    async def which_day_step(self, step_context: WaterfallStepContext):
        """`3/6/2028` from a channel that sends no locale: ask which of the two days."""
        given = step_context.result
        if not isinstance(given, str):
            given = str(cast(list[DateTimeResolution], given)[0].timex)
        days = either_days(given)
        if days is None:
            return await step_context.next(given)
        return await step_context.prompt(
            WHICH_DAY_PROMPT, PromptOptions(prompt=which_day(*days), validations=list(days))
        )

    async def final_step(self, step_context: WaterfallStepContext):
        """Return the date the user gave."""
        return await step_context.end_dialog(date_part(str(step_context.result)))

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        if interruption.prompt_id == DATE_PROMPT and interruption.asks_about(Topic.DATES):
            return self.explain_dates
        return await super().claim(interruption, inner_dc)

    async def explain_dates(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, WHICH_DATES)


async def is_bookable_date(prompt_context: PromptValidatorContext) -> bool:
    """One calendar day, today or later. A past day is refused here, with its own answer;
    a span (`next week`), a weekday gone by (`this friday` on a Saturday) or a date in
    numbers is read as the activity's locale writes dates (DatePrompt), or taken as either
    of two days, asked next."""
    recognized = prompt_context.recognized
    if not recognized.succeeded:
        return False
    timex = str(cast(list[DateTimeResolution], recognized.value)[0].timex)
    if either_days(timex):
        return True  # which of the two is asked next
    if not is_definite(timex):
        return False
    said = prompt_context.context.activity.text or ""
    if passed_weekday(said, timex):
        return False
    if not is_bookable(timex):
        # The prompt sends no retry once the turn has replied, so the question is asked here.
        await prompt_context.context.send_activities([statement(IN_THE_PAST), question(ASK_DATE)])
        return False
    return True


def which_day(first: str, second: str) -> Activity:
    """`Do you mean March 6, 2028 or June 3, 2028?`, each day a button."""
    days = [spoken_day(first), spoken_day(second)]
    asked = question(f"Do you mean {days[0]} or {days[1]}?")
    asked.suggested_actions = SuggestedActions(
        actions=[CardAction(type="imBack", title=day, value=day) for day in days]
    )
    return asked


async def is_one_of_the_days(prompt_context: PromptValidatorContext) -> bool:
    """The day the answer picks (`the first`, `June 3rd`, `6 March`), or another day from
    today on given in full; anything else gets the question again."""
    recognized = prompt_context.recognized
    days = cast(list[str], prompt_context.options.validations)
    if not recognized.succeeded or not isinstance(days, list) or len(days) != 2:
        return False
    said = lexicon().read(str(recognized.value)).meant
    locale = prompt_context.context.activity.locale
    given = [
        date_part(timex)
        for mention in await find_dates_off_loop(said)
        for timex in [numeric_date(mention.text, locale) or mention.timex[0]]
        if is_bookable(timex)
    ]
    chosen = given[0] if len(given) == 1 else which_of_two_days(said, days[0], days[1])
    if chosen is None:
        return False
    recognized.value = chosen
    return True

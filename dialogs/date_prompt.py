"""A DateTimePrompt that treats any input it cannot resolve as "not a date"."""

from recognizers_text import Culture

from helpers.datetime_helper import numeric_date, with_year_said
from recognizers.dates import recognize_off_loop
from recognizers.lexicon import lexicon
from sdk import ActivityTypes, DateTimePrompt, PromptOptions, PromptRecognizerResult, TurnContext


class DatePrompt(DateTimePrompt):
    """Like botbuilder's DateTimePrompt, with three differences.

    For some times (`00:30`) the recognizer finds a mention but no resolution, and the SDK
    prompt raises; here such a mention is skipped, so the prompt's retry runs instead.
    Dates are read in English, the bot's language, whatever locale the channel reports:
    the SDK uses the activity's locale, and finds no date at all in "tomorrow" from a
    channel that reports `fr-fr`. The answer is read as meant (`tmrw`, `janury 5 2027`).
    And a date in numbers (`3/6/2028`) is read in the order the activity's locale writes
    dates, or as either of two days where it does not tell (helpers/datetime_helper). A
    span is no day, even where its TIMEX names one, and `march 1st next year` is a day.
    """

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        activity = turn_context.activity
        if activity.type != ActivityTypes.message or not activity.text:
            return result
        culture = self.default_locale or Culture.English
        meant = lexicon().read(activity.text).meant
        # recognizers-text reads a date in numbers as en-US writes it, and finds only `3/6`
        # in `3/6/36`.
        if day := numeric_date(meant, activity.locale):
            result.succeeded = True
            result.value = [self.read_resolution({"timex": day, "value": day})]
            return result
        for mention in await recognize_off_loop(meant, culture):
            values = (mention.resolution or {}).get("values")
            # `the week of May 10, 2027` is a span whose TIMEX is its first day.
            if values and not mention.type_name.endswith("daterange"):
                after = meant[mention.end + 1 :]
                result.succeeded = True
                result.value = [
                    self.read_resolution({**value, "timex": with_year_said(value["timex"], after)})
                    if "timex" in value
                    else self.read_resolution(value)
                    for value in values
                ]
                break
        return result

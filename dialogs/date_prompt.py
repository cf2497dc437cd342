"""A DateTimePrompt that treats any input it cannot resolve as "not a date"."""

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import DateTimePrompt, PromptOptions, PromptRecognizerResult
from botbuilder.schema import ActivityTypes
from recognizers_date_time import recognize_datetime
from recognizers_text import Culture


class DatePrompt(DateTimePrompt):
    """Like botbuilder's DateTimePrompt, without its crash on `00:30`.

    For some times the recognizer finds a mention but no resolution; the SDK prompt
    then raises. Here such a mention is skipped, so the prompt's retry runs instead.
    """

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        activity = turn_context.activity
        if activity.type != ActivityTypes.message or not activity.text:
            return result
        culture = activity.locale or self.default_locale or Culture.English
        for mention in recognize_datetime(activity.text, culture):
            values = (mention.resolution or {}).get("values")
            if values:
                result.succeeded = True
                result.value = [self.read_resolution(value) for value in values]
                break
        return result

"""A yes-or-no prompt that reads answers as people give them, and answers what is neither."""

from collections.abc import Awaitable, Callable

from recognizers_choice import recognize_boolean
from recognizers_text import Culture

from helpers.message_helper import statement
from helpers.phrases import has_second_thoughts, yes_or_no
from recognizers.dates import read
from recognizers.recent import RememberedWhenShort
from sdk import (
    Activity,
    ActivityTypes,
    ConfirmPrompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
    TurnContext,
)

# The one short sentence for an answer that is neither yes nor no, from what was said.
Aside = Callable[[PromptValidatorContext], Awaitable[str]]
# Answers this long or shorter are remembered: people confirm with the same few words.
SHORT = 40


def boolean(text: str, culture: str) -> bool | None:
    """recognizers-text's yes or no in `text` (1 to 4 ms for a short one), or None."""
    for found in recognize_boolean(text, culture):
        return found.resolution.get("value")
    return None


# The reading depends on the text and culture alone.
remembered_boolean = RememberedWhenShort(boolean, size=1024, longest=100)


class OffLoopConfirmPrompt(ConfirmPrompt):
    """botbuilder's ConfirmPrompt (its rendering: the Yes and No buttons, `(1) Yes or (2) No`
    on channels without buttons), reading answers differently.

    - Yes and no as recognizers-text reads them (`yes please`, `sure`, `nope`), and as people
      type them besides (`ya`, `nah`, `correct`, 👍): see `helpers.phrases.yes_or_no`.
    - A choice number only when it is the whole answer (`1`, `2.`): the SDK took the `1` in
      `2026-13-01` for a yes.
    - No yes or no when the answer takes itself back (`yes but make it the 6th`).
    - A long answer is read in the recognizers' worker thread (recognizers-text takes ~50 ms
      on 1,000 digits); a short one is read once, then remembered.
    - With an `aside`, an answer that is neither gets one short sentence (`aside`'s) and the
      question again, never a silent repeat.
    - In English, the bot's language, whatever the channel's locale: the SDK offered a
      French user `Oui` and `Non`, then read neither.
    """

    def __init__(self, dialog_id: str, aside: Aside | None = None) -> None:
        super().__init__(dialog_id, self._answer_aside if aside else None)
        self._aside = aside

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        activity = turn_context.activity
        if activity.type != ActivityTypes.message or not activity.text:
            return result
        if has_second_thoughts(activity.text):
            return result  # `yes but make it the 6th` is no yes
        value = yes_or_no(activity.text)
        if value is None:
            culture = self._determine_culture(activity)
            reader = remembered_boolean if len(activity.text) <= SHORT else boolean
            value = await read(activity.text, reader, activity.text, culture)
        if value is not None:
            result.succeeded, result.value = True, value
        return result

    def _determine_culture(self, activity: Activity) -> str:
        return Culture.English

    async def _answer_aside(self, prompt_context: PromptValidatorContext) -> bool:
        if prompt_context.recognized.succeeded or self._aside is None:
            return prompt_context.recognized.succeeded
        sentence = await self._aside(prompt_context)
        await prompt_context.context.send_activity(statement(sentence))
        await self.on_prompt(
            prompt_context.context, prompt_context.state, prompt_context.options, False
        )
        return False

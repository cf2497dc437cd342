"""A yes-or-no prompt that reads answers as people give them, and answers what is neither."""

from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.dialogs.prompts import (
    ConfirmPrompt,
    PromptOptions,
    PromptRecognizerResult,
    PromptValidatorContext,
)
from botbuilder.schema import ActivityTypes
from recognizers_choice import recognize_boolean

from helpers.message_helper import statement
from helpers.phrases import yes_or_no
from recognizers.dates import read

# The one short sentence for an answer that is neither yes nor no, from what was said.
Aside = Callable[[PromptValidatorContext], Awaitable[str]]


class OffLoopConfirmPrompt(ConfirmPrompt):
    """botbuilder's ConfirmPrompt (its rendering: the Yes and No buttons, `(1) Yes or (2) No`
    on channels without buttons), reading answers differently.

    - Yes and no as recognizers-text reads them (`yes please`, `sure`, `nope`), and as people
      type them besides (`ya`, `nah`, `correct`, 👍): see `helpers.phrases.yes_or_no`.
    - A choice number only when it is the whole answer (`1`, `2.`): the SDK took the `1` in
      `2026-13-01` for a yes.
    - A long answer is read in the recognizers' worker thread (recognizers-text takes ~50 ms
      on 1,000 digits).
    - With an `aside`, an answer that is neither gets one short sentence (`aside`'s) and the
      question again, never a silent repeat.
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
        value = yes_or_no(activity.text)
        if value is None:
            culture = self._determine_culture(activity)
            for found in await read(activity.text, recognize_boolean, activity.text, culture):
                value = found.resolution.get("value")
                break
        if value is not None:
            result.succeeded, result.value = True, value
        return result

    async def _answer_aside(self, prompt_context: PromptValidatorContext) -> bool:
        if prompt_context.recognized.succeeded or self._aside is None:
            return prompt_context.recognized.succeeded
        sentence = await self._aside(prompt_context)
        await prompt_context.context.send_activity(statement(sentence))
        await self.on_prompt(
            prompt_context.context, prompt_context.state, prompt_context.options, False
        )
        return False

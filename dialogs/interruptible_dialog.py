"""Component dialogs whose prompts the user may interrupt, and who handles an interruption.

Each prompt declares what may interrupt it (`Interruptions`, like adaptive dialogs'
`allowInterruptions`). When a message arrives, the outermost interruptible dialog looks down
the dialog stack to the waiting prompt, then offers the message to each interruptible dialog
on the way back up, innermost first, through `claim`. The first to claim it handles it, in its
own dialog context, as the turn reaches it; if none does, the prompt gets the message as its
answer.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import telemetry
from booking_details import BookingDetails
from helpers.luis_helper import (
    Intent,
    IntentRecognizer,
    booking_details,
    only_entities,
    recognize_safely,
    roles_said,
    top_intent,
    top_score,
)
from helpers.message_helper import statement
from helpers.phrases import Command, Topic, asks_about, command_in
from sdk import (
    ActivityTypes,
    ComponentDialog,
    Dialog,
    DialogContext,
    DialogTurnResult,
    DialogTurnStatus,
    TurnContext,
)

Handler = Callable[[DialogContext], Awaitable[DialogTurnResult]]
# Which dialog handles the turn's message, and how.
Claim = tuple["InterruptibleDialog", Handler]

# Where the outermost dialog leaves, for this turn, which dialog handles the message and how.
_CLAIM = "corebot.interruption.claim"


@dataclass(frozen=True)
class Interruptions:
    """What may interrupt one prompt.

    commands: help, cancel and start over. questions: questions about the prompt itself
    (`which cities can I fly to?`). min_score: other intents and values the prompt did not
    ask for, when the recognizer is at least this sure of the message; None: never, and
    the recognizer is not asked.
    """

    commands: bool = True
    questions: bool = True
    min_score: float | None = None


NO_INTERRUPTIONS = Interruptions(commands=False, questions=False)
# A question of a form (the booking's): anything, other requests and values only when sure.
FORM_PROMPT = Interruptions(min_score=0.7)


@dataclass(frozen=True)
class Recognition:
    """What the recognizer made of a message that arrived at a prompt."""

    intent: Intent
    sure: bool  # the intent scored at least the prompt's min_score
    details: BookingDetails
    values_only: bool  # every word is part of an entity: values, not a request
    roles_said: frozenset[str] = frozenset()  # To, From: roles given by words, not guessed

    @property
    def is_booking(self) -> bool:
        return self.sure and self.intent is Intent.BOOK_FLIGHT

    @property
    def names_values(self) -> bool:
        """A city or a date is named."""
        found = self.details
        return any((found.destination, found.origin, found.travel_date, found.unsupported_airports))

    @property
    def is_other_request(self) -> bool:
        """A confident request for something other than a flight (`what's the weather?`).

        Not the model's Cancel: cancelling goes by the words (`cancel`, `never mind`), and the
        model reads Cancel into a plain `no` or `no, on march 3rd 2027` (a correction)."""
        return (
            self.sure
            and not self.values_only
            and self.intent not in (Intent.BOOK_FLIGHT, Intent.NONE_INTENT, Intent.CANCEL)
        )


class Interruption:
    """A message that arrived while `prompt_id` was waiting, seen through its policy."""

    def __init__(
        self,
        context: TurnContext,
        prompt_id: str,
        policy: Interruptions,
        dialogs: tuple["InterruptibleDialog", ...],
        recognizer: IntentRecognizer | None,
    ) -> None:
        self.context = context
        self.text = context.activity.text or ""
        self.prompt_id = prompt_id
        self.policy = policy
        self.dialogs = dialogs  # outermost first; the last one owns the prompt
        self._recognizer = recognizer
        self._recognition: Recognition | None = None
        self._recognized = False

    @property
    def command(self) -> Command | None:
        return command_in(self.text) if self.policy.commands else None

    def asks_about(self, topic: Topic) -> bool:
        return self.policy.questions and asks_about(self.text, topic)

    def is_outermost(self, dialog: "InterruptibleDialog", kind: type) -> bool:
        """True when no dialog above `dialog` on the stack is also a `kind`."""
        above = self.dialogs[: self.dialogs.index(dialog)]
        return not any(isinstance(other, kind) for other in above)

    async def recognition(self) -> Recognition | None:
        """The recognizer's reading, asked once; None if the policy or the set-up rule it out."""
        if not self._recognized:
            self._recognized = True
            self._recognition = await self._recognize()
        return self._recognition

    async def _recognize(self) -> Recognition | None:
        min_score = self.policy.min_score
        recognizer = self._recognizer
        if min_score is None or recognizer is None or not recognizer.is_configured:
            return None
        result = await recognize_safely(recognizer, self.context)
        # Entity offsets only mean something for the text they were found in.
        if result is None or result.text != self.text:
            return None
        return Recognition(
            intent=top_intent(result),
            sure=top_score(result) >= min_score,
            details=booking_details(result, self.context.activity.locale),
            values_only=only_entities(result),
            roles_said=roles_said(result),
        )


class InterruptibleDialog(ComponentDialog):
    """A component dialog that takes part in interruption handling (see the module doc)."""

    def __init__(self, dialog_id: str, recognizer: IntentRecognizer | None = None) -> None:
        super().__init__(dialog_id)
        self.recognizer = recognizer
        self._policies: dict[str, Interruptions] = {}

    def add_prompt(self, prompt: Dialog, interruptions: Interruptions | None = None) -> None:
        """Add a prompt with its policy; a prompt added with `add_dialog` allows commands
        and questions only."""
        self.add_dialog(prompt)
        if interruptions is not None:
            self._policies[prompt.id] = interruptions

    def interruptions(self, prompt_id: str) -> Interruptions:
        return self._policies.get(prompt_id, Interruptions())

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        """How this dialog handles the interruption, or None to let it bubble up.

        `inner_dc` shows this dialog's state; the handler gets the turn's own context.
        """
        return None

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        turn_state = inner_dc.context.turn_state
        if _CLAIM in turn_state:
            return await self._continue(inner_dc)
        # The outermost interruptible dialog: decide for the whole stack, once per turn.
        turn_state[_CLAIM] = await self._find_claim(inner_dc)
        try:
            return await self._continue(inner_dc)
        finally:
            del turn_state[_CLAIM]

    async def _continue(self, inner_dc: DialogContext) -> DialogTurnResult:
        turn_state = inner_dc.context.turn_state
        claim = cast(Claim | None, turn_state[_CLAIM])
        if claim is not None and claim[0] is self:
            turn_state[_CLAIM] = None
            return await claim[1](inner_dc)
        return await super().on_continue_dialog(inner_dc)

    async def _find_claim(self, inner_dc: DialogContext) -> "Claim | None":
        activity = inner_dc.context.activity
        # Attachments and card submits carry no text: they are not interruptions.
        if activity.type != ActivityTypes.message or not isinstance(activity.text, str):
            return None
        levels: list[tuple[InterruptibleDialog, DialogContext]] = []
        dialog, dc = self, inner_dc
        while True:
            levels.append((dialog, dc))
            active = dc.active_dialog
            if active is None or active.id is None:
                return None
            child = dc.find_dialog_sync(active.id)
            if not isinstance(child, InterruptibleDialog):
                break
            dialog, dc = child, child.inner_context(dc)
        dialogs = tuple(level for level, _ in levels)
        recognizer = next((d.recognizer for d in dialogs if d.recognizer is not None), None)
        interruption = Interruption(
            inner_dc.context, active.id, dialog.interruptions(active.id), dialogs, recognizer
        )
        for dialog, dc in reversed(levels):
            handler = await dialog.claim(interruption, dc)
            if handler is not None:
                telemetry.interruption(getattr(handler, "func", handler).__name__, dialog.id)
                return dialog, handler
        return None

    def inner_context(self, outer_dc: DialogContext) -> DialogContext:
        """This dialog's own dialog context, while it is the active dialog of `outer_dc`."""
        active = outer_dc.active_dialog
        assert active is not None, "asked while no dialog is active"
        state = active.state[self.persisted_dialog_state]
        return DialogContext(self._dialogs, outer_dc.context, state)

    def fresh_options(self) -> object:
        """The options the dialog starts with when the user starts over."""
        return None

    def stored_options(self, dialog_id: str, data: Any) -> Any:
        """The options of the waterfall `dialog_id`, read back from the stored state (where
        they are plain JSON: storage/dialog_state.py)."""
        return data

    def starts_with(self, dialog_id: str) -> None:
        """The dialog this one begins with (its waterfall)."""
        # The Agents SDK declares the attribute as None, set later.
        self.initial_dialog_id = dialog_id  # type: ignore[assignment, unused-ignore]

    async def start_over(self, inner_dc: DialogContext) -> DialogTurnResult:
        await inner_dc.cancel_all_dialogs()
        return await inner_dc.begin_dialog(str(self.initial_dialog_id), self.fresh_options())


async def answer_and_ask_again(inner_dc: DialogContext, text: str) -> DialogTurnResult:
    """Answer a side question, then repeat the question that is waiting."""
    await inner_dc.context.send_activity(statement(text))
    await inner_dc.reprompt_dialog()
    return DialogTurnResult(DialogTurnStatus.Waiting)

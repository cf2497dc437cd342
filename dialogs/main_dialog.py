"""The top of the conversation: asks what the user wants and starts the booking."""

from typing import cast

from booking_details import BookingDetails
from dialogs.interruptible_dialog import (
    Handler,
    InterruptibleDialog,
    Interruption,
    answer_and_ask_again,
)
from helpers.airports import airports_served
from helpers.dialog_helper import leave_first_question_unsaid
from helpers.luis_helper import Intent, IntentRecognizer, execute_luis_query
from helpers.message_helper import question, statement, warn_unsupported_airports
from helpers.phrases import Command, Topic, is_greeting
from sdk import (
    Dialog,
    DialogContext,
    DialogTurnResult,
    DialogTurnStatus,
    InputHints,
    MessageFactory,
    PromptOptions,
    TextPrompt,
    TurnContext,
    WaterfallDialog,
    WaterfallStepContext,
)

WATERFALL = "MainWaterfall"
WEATHER = "TODO: get weather flow here"
TEXT_PROMPT = "TextPrompt"

NOT_CONFIGURED = (
    "NOTE: LUIS is not configured. To enable all capabilities, add 'LuisAppId', 'LuisAPIKey' "
    "and 'LuisAPIHostName' to the appsettings.json file."
)


class OpeningPrompt(TextPrompt):
    """`What can I help you with today?`, left unsaid when the message that started the
    dialog is its answer (helpers/dialog_helper.run_dialog)."""

    async def on_prompt(
        self,
        turn_context: TurnContext,
        state: dict[str, object],
        options: PromptOptions,
        is_retry: bool,
    ) -> None:
        if is_retry or not leave_first_question_unsaid(turn_context):
            await super().on_prompt(turn_context, state, options, is_retry)


class MainDialog(InterruptibleDialog):
    """Handles what interrupts a booking but is not about it: `start over` at its own
    question, and requests of another kind (the weather), after which the booking's
    question is asked again."""

    recognizer: IntentRecognizer  # always given (other interruptible dialogs may have none)

    def __init__(self, recognizer: IntentRecognizer, booking_dialog: Dialog) -> None:
        super().__init__(MainDialog.__name__, recognizer)
        self._booking_dialog_id = booking_dialog.id
        self.add_dialog(OpeningPrompt(TEXT_PROMPT))
        self.add_dialog(booking_dialog)
        self.add_dialog(
            WaterfallDialog(WATERFALL, [self.intro_step, self.act_step, self.final_step])
        )
        self.starts_with(WATERFALL)

    async def intro_step(self, step_context: WaterfallStepContext):
        """Ask what the user wants, or explain that we cannot understand free text."""
        if not self.recognizer.is_configured:
            await step_context.context.send_activity(
                MessageFactory.text(NOT_CONFIGURED, input_hint=InputHints.ignoring_input)
            )
            return await step_context.next(None)
        text = cast(str | None, step_context.options) or "What can I help you with today?"
        return await step_context.prompt(TEXT_PROMPT, PromptOptions(prompt=question(text)))

    async def act_step(self, step_context: WaterfallStepContext):
        """Book, report the weather, or admit we did not understand."""
        if not self.recognizer.is_configured:
            return await step_context.begin_dialog(self._booking_dialog_id, BookingDetails())

        intent, details = await execute_luis_query(self.recognizer, step_context.context)
        if intent is Intent.BOOK_FLIGHT and details is not None:
            await warn_unsupported_airports(step_context.context, details.unsupported_airports)
            return await step_context.begin_dialog(self._booking_dialog_id, details)
        if intent is Intent.GET_WEATHER:
            await step_context.context.send_activity(statement(WEATHER))
        else:
            await step_context.context.send_activity(
                statement("Sorry, I didn't get that. Please try asking in a different way")
            )
        return await step_context.next(None)

    async def final_step(self, step_context: WaterfallStepContext):
        """Confirm a booking, then start over with a fresh waterfall (constant stack depth)."""
        details = cast(BookingDetails | None, step_context.result)
        if details is not None:
            await step_context.context.send_activity(
                statement(
                    f"I have you booked to {details.destination} from {details.origin} "
                    f"on {details.travel_date}"
                )
            )
        return await step_context.replace_dialog(WATERFALL, "What else can I do for you?")

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        if interruption.command is Command.START_OVER:
            return self.start_over
        if interruption.command is Command.HELP or interruption.asks_about(Topic.CAPABILITIES):
            return self.explain
        if interruption.prompt_id == TEXT_PROMPT and is_greeting(interruption.text):
            return self.greet_back
        recognition = await interruption.recognition()
        if (
            recognition is not None
            and recognition.is_other_request
            and recognition.intent is Intent.GET_WEATHER
        ):
            return self.weather_digression
        return None

    async def greet_back(self, inner_dc: DialogContext) -> DialogTurnResult:
        """`hi` to `What can I help you with today?` is no request: the question again."""
        await inner_dc.reprompt_dialog()
        return DialogTurnResult(DialogTurnStatus.Waiting)

    async def weather_digression(self, inner_dc: DialogContext) -> DialogTurnResult:
        return await answer_and_ask_again(inner_dc, WEATHER)

    async def explain(self, inner_dc: DialogContext) -> DialogTurnResult:
        """Help at the first question (inside a booking, help is the booking's)."""
        return await answer_and_ask_again(
            inner_dc,
            f"{airports_served()} At any of my questions you can say help, cancel or start over.",
        )

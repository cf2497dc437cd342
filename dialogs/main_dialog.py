"""The top of the conversation: asks what the user wants and starts the booking."""

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import ComponentDialog, Dialog, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt
from botbuilder.schema import InputHints

from booking_details import BookingDetails
from helpers.luis_helper import Intent, IntentRecognizer, execute_luis_query
from helpers.message_helper import question, statement

WATERFALL = "MainWaterfall"
TEXT_PROMPT = "TextPrompt"

NOT_CONFIGURED = (
    "NOTE: LUIS is not configured. To enable all capabilities, add 'LuisAppId', 'LuisAPIKey' "
    "and 'LuisAPIHostName' to the appsettings.json file."
)


class MainDialog(ComponentDialog):
    def __init__(self, recognizer: IntentRecognizer, booking_dialog: Dialog) -> None:
        super().__init__(MainDialog.__name__)
        self._recognizer = recognizer
        self._booking_dialog_id = booking_dialog.id
        self.add_dialog(TextPrompt(TEXT_PROMPT))
        self.add_dialog(booking_dialog)
        self.add_dialog(
            WaterfallDialog(WATERFALL, [self.intro_step, self.act_step, self.final_step])
        )
        self.initial_dialog_id = WATERFALL

    async def intro_step(self, step_context: WaterfallStepContext):
        """Ask what the user wants, or explain that we cannot understand free text."""
        if not self._recognizer.is_configured:
            await step_context.context.send_activity(
                MessageFactory.text(NOT_CONFIGURED, input_hint=InputHints.ignoring_input)
            )
            return await step_context.next(None)
        text = step_context.options or "What can I help you with today?"
        return await step_context.prompt(TEXT_PROMPT, PromptOptions(prompt=question(text)))

    async def act_step(self, step_context: WaterfallStepContext):
        """Book, report the weather, or admit we did not understand."""
        if not self._recognizer.is_configured:
            return await step_context.begin_dialog(self._booking_dialog_id, BookingDetails())

        intent, details = await execute_luis_query(self._recognizer, step_context.context)
        if intent is Intent.BOOK_FLIGHT and details is not None:
            await warn_unsupported_airports(step_context.context, details)
            return await step_context.begin_dialog(self._booking_dialog_id, details)
        if intent is Intent.GET_WEATHER:
            await step_context.context.send_activity(statement("TODO: get weather flow here"))
        else:
            await step_context.context.send_activity(
                statement("Sorry, I didn't get that. Please try asking in a different way")
            )
        return await step_context.next(None)

    async def final_step(self, step_context: WaterfallStepContext):
        """Confirm a booking, then start over with a fresh waterfall (constant stack depth)."""
        details: BookingDetails | None = step_context.result
        if details is not None:
            await step_context.context.send_activity(
                statement(
                    f"I have you booked to {details.destination} from {details.origin} "
                    f"on {details.travel_date}"
                )
            )
        return await step_context.replace_dialog(WATERFALL, "What else can I do for you?")


async def warn_unsupported_airports(turn_context: TurnContext, details: BookingDetails) -> None:
    if details.unsupported_airports:
        names = ", ".join(details.unsupported_airports)
        await turn_context.send_activity(
            statement(f"Sorry but the following airports are not supported: {names}")
        )

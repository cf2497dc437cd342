"""A component dialog the user can interrupt with help or cancel at any of its prompts."""

from botbuilder.dialogs import ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus
from botbuilder.schema import ActivityTypes

from helpers.message_helper import question, statement

HELP_WORDS = frozenset({"help", "?"})
CANCEL_WORDS = frozenset({"cancel", "quit"})


class CancelAndHelpDialog(ComponentDialog):
    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        result = await self.interrupt(inner_dc)
        if result is not None:
            return result
        return await super().on_continue_dialog(inner_dc)

    async def interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        """Handle help (this turn only) and cancel (the whole dialog); None: not interrupted."""
        activity = inner_dc.context.activity
        # Attachments and card submits carry no text: they are not interruptions.
        if activity.type != ActivityTypes.message or not isinstance(activity.text, str):
            return None
        text = activity.text.lower()
        if text in HELP_WORDS:
            await inner_dc.context.send_activity(question("Show Help..."))
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if text in CANCEL_WORDS:
            await inner_dc.context.send_activity(statement("Cancelling"))
            return await inner_dc.cancel_all_dialogs()
        return None

"""A component dialog the user can interrupt with help, cancel or start over at its prompts."""

import telemetry
from dialogs.interruptible_dialog import Handler, InterruptibleDialog, Interruption
from helpers.message_helper import question, statement
from helpers.phrases import Command
from sdk import DialogContext, DialogTurnResult, DialogTurnStatus


class CancelAndHelpDialog(InterruptibleDialog):
    """Help answers and keeps the prompt waiting, in whichever dialog it is asked. Cancel and
    start over act on the whole task: the outermost CancelAndHelpDialog on the stack."""

    async def claim(self, interruption: Interruption, inner_dc: DialogContext) -> Handler | None:
        command = interruption.command
        if command is Command.HELP:
            return self.show_help
        if command is None or not interruption.is_outermost(self, CancelAndHelpDialog):
            return None
        return self.cancel if command is Command.CANCEL else self.start_over

    async def show_help(self, inner_dc: DialogContext) -> DialogTurnResult:
        await inner_dc.context.send_activity(question("Show Help..."))
        return DialogTurnResult(DialogTurnStatus.Waiting)

    async def cancel(self, inner_dc: DialogContext) -> DialogTurnResult:
        telemetry.booking("cancelled")
        await inner_dc.context.send_activity(statement("Cancelling"))
        return await inner_dc.cancel_all_dialogs()

"""The SDK the bot runs on: botbuilder-python (the Bot Framework SDK, the default) or the
Microsoft 365 Agents SDK, as `BOT_SDK` says when this package is first imported.

The dialogs, recognizers, booking logic, settings and storage are written once, against the
names this package gives; `sdk.botbuilder` and `sdk.agents` give them, each from its SDK,
with what that SDK needs done its own way. Nothing outside `sdk/` imports an SDK.
"""

from config import ConfigError, bot_sdk

NAME = bot_sdk()
# mypy checks the botbuilder build with AGENTS always false, the agents build with it true.
AGENTS = NAME == "agents"

if AGENTS:
    try:
        from sdk.agents import *  # noqa: F403
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("microsoft_agents"):
            raise
        raise ConfigError(
            "BOT_SDK is agents, but the Microsoft 365 Agents SDK is not installed here: "
            "`make run BOT_SDK=agents` installs it (requirements-agents.txt)"
        ) from None
else:
    try:
        from sdk.botbuilder import *  # noqa: F403
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith(("botbuilder", "botframework")):
            raise
        raise ConfigError(
            "BOT_SDK is botbuilder, but botbuilder is not installed here: `make run` "
            "installs it (requirements.txt)"
        ) from None

"""`LOG_FORMAT=json`: one JSON object per line, with the turn that logged it."""

import json
import logging
from datetime import UTC, datetime

from telemetry import CURRENT

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """time, level, logger, message; inside a turn also `conversation` (the conversation id's
    hash), `activity_id` and `trace_id`; and `exception`, the traceback, when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        turn = CURRENT.get()
        if turn is not None:
            for name, value in (
                ("conversation", turn.conversation),
                ("activity_id", turn.activity_id),
                ("trace_id", turn.trace_id),
            ):
                if value is not None:
                    entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def use_log_format(log_format: str) -> None:
    """Write the root logger's lines as `log_format` says: `text` (as `logging.basicConfig`
    set up) or `json`."""
    if log_format != "json":
        return
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())

"""`LOG_FORMAT=json`: one JSON object per line, with the turn that logged it."""

import json
import logging
from datetime import UTC, datetime
from textwrap import indent
from typing import Any

from telemetry import CURRENT

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def one_line(text: str) -> str:
    """`text` with every character that could end a log line or fake one (a newline, a
    carriage return, U+0085, U+2028, any other control or invisible separator) escaped."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else _escaped(char) for char in text)


def _escaped(char: str) -> str:
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class TextFormatter(logging.Formatter):
    """The text log: each record's message on one line (its traceback may follow on more)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = one_line(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        # Indented, so that no line of it (an exception's message may quote a client) can
        # pass for a record of its own.
        return indent(super().formatException(ei), "  ")


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
        # json.dumps leaves U+0085, U+2028 and U+2029 as they are; some readers end a line there.
        line = json.dumps(entry, ensure_ascii=False)
        return line if line.isprintable() else "".join(_json_safe(char) for char in line)


def _json_safe(char: str) -> str:
    return char if char.isprintable() else f"\\u{ord(char):04x}"


def use_log_format(log_format: str) -> None:
    """Write the root logger's lines as `log_format` says: `text` or `json`, one line per
    record whatever a client put in the values it logs."""
    formatter = JsonFormatter() if log_format == "json" else TextFormatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)

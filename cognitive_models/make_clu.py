"""Writes `FlightBooking.clu.json`, the CLU project, from the LUIS app `FlightBooking.json`.

    python cognitive_models/make_clu.py

Run it after changing the LUIS app's intents, examples or Airport list, so the two stay in
step (a test checks they do). The project imports into Language Studio as it is.
"""

import json
import logging
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LUIS_APP = HERE / "FlightBooking.json"
CLU_PROJECT = HERE / "FlightBooking.clu.json"
LANGUAGE = "en-us"
logger = logging.getLogger(__name__)


def utf16_offset(text: str, index: int) -> int:
    """CLU counts offsets in UTF-16 code units; Python (and LUIS files here) in code points."""
    return len(text[:index].encode("utf-16-le")) // 2


def project(app: dict[str, Any]) -> dict[str, Any]:
    airports = next(lists for lists in app["closedLists"] if lists["name"] == "Airport")
    sublists = [
        {
            "listKey": sub["canonicalForm"],
            "synonyms": [{"language": LANGUAGE, "values": sub["list"]}],
        }
        for sub in airports["subLists"]
    ]
    city_entities: list[dict[str, Any]] = [
        {
            "category": role,
            "compositionSetting": "combineComponents",
            "list": {"sublists": sublists},
            "prebuilts": [],
            "requiredComponents": [],
        }
        for role in ("From", "To")
    ]
    date_entity = {
        "category": "TravelDate",
        "compositionSetting": "combineComponents",
        "prebuilts": [{"category": "DateTime"}],
        "requiredComponents": ["prebuilts"],
    }
    utterances = []
    for utterance in app["utterances"]:
        text = utterance["text"]
        entities = []
        for entity in utterance["entities"]:
            start = utf16_offset(text, entity["startPos"])
            end = utf16_offset(text, entity["endPos"] + 1)
            entities.append({"category": entity["entity"], "offset": start, "length": end - start})
        utterances.append(
            {
                "text": text,
                "language": LANGUAGE,
                "intent": utterance["intent"],
                "dataset": "Train",
                "entities": entities,
            }
        )
    return {
        "projectFileVersion": "2023-04-01",
        "stringIndexType": "Utf16CodeUnit",
        "metadata": {
            "projectKind": "Conversation",
            "projectName": app["name"],
            "multilingual": False,
            "description": app["desc"],
            "language": LANGUAGE,
            "settings": {"confidenceThreshold": 0},
        },
        "assets": {
            "projectKind": "Conversation",
            "intents": [{"category": intent["name"]} for intent in app["intents"]],
            "entities": [*city_entities, date_entity],
            "utterances": utterances,
        },
    }


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = json.loads(LUIS_APP.read_text(encoding="utf-8"))
    text = json.dumps(project(app), indent=2, ensure_ascii=False)
    CLU_PROJECT.write_text(text + "\n", encoding="utf-8")
    logger.info("%s: %d utterances", CLU_PROJECT.name, len(app["utterances"]))


if __name__ == "__main__":
    main()

"""Conversational Language Understanding (Azure AI Language), LUIS's successor.

No Python Bot Framework recognizer for CLU exists; this one calls the runtime REST API and
maps its prediction to the LUIS-shaped RecognizerResult the dialogs already read.
"""

import logging
from typing import Any
from urllib.parse import urlsplit

from config import ConfigError
from recognizers.cloud_service import CloudService, ServiceError
from recognizers.result import IntentScore, RecognizerResult
from sdk import TurnContext

API_VERSION = "2024-11-01"
TIMEOUT_SECONDS = 5
CITY_ROLES = ("From", "To")
logger = logging.getLogger(__name__)


class CluError(ServiceError):
    """CLU answered, but not with a prediction we can use."""


class CluRecognizer(CloudService):
    name = "CLU"

    def __init__(
        self,
        endpoint: str,
        key: str,
        project: str,
        deployment: str,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"CluEndpoint must be an http(s) URL, got {endpoint!r}")
        super().__init__(key, timeout)
        self._url = f"{endpoint.rstrip('/')}/language/:analyze-conversations"
        self._project = project
        self._deployment = deployment

    async def recognize(self, turn_context: TurnContext) -> RecognizerResult:
        text = turn_context.activity.text or ""
        if not text.strip():
            return RecognizerResult(text=text, intents={}, entities={"$instance": {}})
        payload = await self._post(
            self._url, self._request(text), params={"api-version": API_VERSION}
        )
        try:
            return to_luis_shape(text, payload["result"]["prediction"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CluError(f"CLU's answer is malformed: {error!r}") from None

    def _request(self, text: str) -> dict[str, Any]:
        return {
            "kind": "Conversation",
            "analysisInput": {
                "conversationItem": {
                    "id": "1",
                    "participantId": "user",
                    "text": text,
                    "language": "en",
                    "modality": "text",
                }
            },
            "parameters": {
                "projectName": self._project,
                "deploymentName": self._deployment,
                "stringIndexType": "UnicodeCodePoint",
            },
        }


def to_luis_shape(text: str, prediction: dict[str, Any]) -> RecognizerResult:
    """CLU's `result.prediction` as LUIS would have put it."""
    if prediction["projectKind"] != "Conversation":
        raise CluError(f"only Conversation projects are supported, not {prediction['projectKind']}")
    intents = {
        intent["category"]: IntentScore(score=float(intent["confidenceScore"]))
        for intent in prediction["intents"]
    }
    instance: dict[str, list[dict[str, Any]]] = {}
    entities: dict[str, Any] = {"$instance": instance}
    for entity in prediction["entities"]:
        start = int(entity["offset"])
        mention = {
            "startIndex": start,
            "endIndex": start + int(entity["length"]),
            "text": entity["text"],
            "score": float(entity["confidenceScore"]),
        }
        category = entity["category"]
        list_key = _list_key(entity)
        timex = [
            resolution["timex"]
            for resolution in entity.get("resolutions") or []
            if resolution.get("resolutionKind") in ("DateTimeResolution", "TemporalSpanResolution")
            and resolution.get("timex")
        ]
        if category in CITY_ROLES:
            composite: dict[str, Any] = {"$instance": {}}
            if list_key is not None:
                airport = {**mention, "type": "Airport"}
                composite = {"$instance": {"Airport": [airport]}, "Airport": [[list_key]]}
            instance.setdefault(category, []).append({**mention, "type": category})
            entities.setdefault(category, []).append(composite)
        elif timex:
            kind = _date_kind(entity)
            instance.setdefault("datetime", []).append(
                {**mention, "type": f"builtin.datetimeV2.{kind}"}
            )
            entities.setdefault("datetime", []).append({"timex": timex, "type": kind})
        else:
            instance.setdefault(category, []).append({**mention, "type": category})
            entities.setdefault(category, []).append(list_key or entity["text"])
    return RecognizerResult(
        text=text,
        intents=intents,
        entities=entities,
        properties={"topIntent": prediction.get("topIntent")},
    )


def _list_key(entity: dict[str, Any]) -> str | None:
    for info in entity.get("extraInformation") or []:
        if info.get("extraInformationKind") == "ListKey":
            return info["key"]
    return None


def _date_kind(entity: dict[str, Any]) -> str:
    for resolution in entity.get("resolutions") or []:
        if resolution.get("resolutionKind") == "TemporalSpanResolution":
            return "daterange"
        if resolution.get("dateTimeSubKind"):
            return resolution["dateTimeSubKind"].lower()
    return "date"

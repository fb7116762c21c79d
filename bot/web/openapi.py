"""The OpenAPI 3.1 description of the web API, served at `/openapi.json` and rendered at `/docs`."""

from typing import Any

from bot.i18n import LANGUAGES
from bot.settings import Settings
from bot.web.api import CLASSIFY_PATH
from bot.web.feedback import FEEDBACK_PATH
from feedback import ANSWERS
from model import CLASSES, LABELS

ERRORS = {
    "400": "Not an image we can read, a broken form or one without `file`, a body that is not JSON, "
    "or a `lang` we do not speak",
    "401": "The API key is missing or wrong (only when the server sets API_KEY)",
    "413": "The image is larger than 20 MB",
    "415": "The body is neither multipart/form-data nor JSON, or the file is not an image type",
    "422": "The link is not a usable public http(s) image link",
    "429": "Too many requests from this client; see Retry-After",
    "503": "Too many photos are waiting; see Retry-After",
}
FEEDBACK_ERRORS = {
    "400": "The body is not JSON",
    "401": "The API key is missing or wrong (only when the server sets API_KEY)",
    "404": "The classification is unknown, or too old to answer (a day)",
    "422": "No classification_id, or an answer that is not one of the listed ones",
    "429": "Too many requests from this client; see Retry-After",
    "503": "The feedback database is unreachable; try later",
}


def openapi_document(settings: Settings, model_name: str) -> dict[str, Any]:
    """The document for this server's settings: the key requirement appears only when a key is set."""
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Coral Snake Check API",
            "version": "1.0.0",
            "description": (
                "Is the snake in this photo a venomous coral snake or a harmless mimic? "
                f"Served by model `{model_name}`. The confidence is the model's estimate, never a guarantee."
            ),
        },
        "paths": {
            CLASSIFY_PATH: {"post": _classify_operation()},
            FEEDBACK_PATH: {"post": _feedback_operation()},
            "/healthz": {"get": _health_operation()},
        },
        "components": {"schemas": _schemas()},
    }
    if settings.api_key:
        document["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        for path in (CLASSIFY_PATH, FEEDBACK_PATH):
            document["paths"][path]["post"]["security"] = [{"bearer": []}]
    return document


def _classify_operation() -> dict[str, Any]:
    return {
        "operationId": "classify",
        "summary": "Classify a snake photo",
        "description": (
            "Upload a photo as multipart `file`, or send JSON with the `url` of an image. The words "
            "(`verdict`, `confidence_text`, `caveat`, and error messages about the image or link) are in the "
            "language asked by `lang`, else the first of ours in Accept-Language, else English; `label` "
            "and the `probabilities` labels are the same in every language."
        ),
        "parameters": [
            {
                "name": "lang",
                "in": "query",
                "required": False,
                "description": "The language of the words; wins over Accept-Language",
                "schema": {"enum": list(LANGUAGES)},
            },
            {
                "name": "Accept-Language",
                "in": "header",
                "required": False,
                "description": "Used when `lang` is not given, e.g. `es-MX,es;q=0.9,en;q=0.8`",
                "schema": {"type": "string"},
            },
        ],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    },
                    "encoding": {"file": {"contentType": "image/*, application/octet-stream"}},
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["url"],
                        "properties": {
                            "url": {
                                "type": "string",
                                "format": "uri",
                                "example": "https://example.com/snake.jpg",
                            }
                        },
                    }
                },
            },
        },
        "responses": {
            "200": {
                "description": "The verdict",
                "headers": {
                    "Content-Language": {
                        "description": "The language of the words in the answer",
                        "required": True,
                        "schema": {"enum": list(LANGUAGES)},
                    }
                },
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Classification"}}},
            },
            **_error_responses(ERRORS),
        },
    }


def _feedback_operation() -> dict[str, Any]:
    return {
        "operationId": "feedback",
        "summary": "Say whether a verdict was right, or what the photo really showed",
        "description": (
            "Send the `classification_id` of a classify answer (within a day) and `right`, or the class the "
            "photo really showed (`kingsnake` for a harmless mimic), or `not_sure`. The photo, kept small "
            "and without metadata, is then stored with the answer to train better models. Answering twice "
            "keeps the first answer."
        ),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}},
        },
        "responses": {
            "200": {
                "description": "Saved now, or saved before",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status"],
                            "properties": {"status": {"enum": ["recorded", "already_answered"]}},
                        }
                    }
                },
            },
            **_error_responses(FEEDBACK_ERRORS),
        },
    }


def _error_responses(errors: dict[str, str]) -> dict[str, Any]:
    return {
        status: {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for status, description in errors.items()
    }


def _health_operation() -> dict[str, Any]:
    return {
        "operationId": "health",
        "summary": "Up, with the model loaded",
        "responses": {
            "200": {
                "description": "The server is up",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["status", "model", "queue_depth"],
                            "properties": {
                                "status": {"enum": ["ok", "starting"]},
                                "model": {"type": "string"},
                                "queue_depth": {"type": "integer", "minimum": 0},
                            },
                        }
                    }
                },
            }
        },
    }


def _schemas() -> dict[str, Any]:
    probability = {"type": "number", "minimum": 0, "maximum": 1}
    return {
        "Classification": {
            "type": "object",
            "required": [
                "label",
                "best_guess",
                "confidence",
                "verdict",
                "confidence_text",
                "caveat",
                "probabilities",
                "model",
            ],
            "properties": {
                "label": {
                    "enum": list(LABELS),
                    "description": "`uncertain` when the safety policy will not commit",
                },
                "best_guess": {"enum": list(CLASSES), "description": "The class the network ranks first"},
                "confidence": {
                    **probability,
                    "description": "How sure the model is of best_guess: its probability, or for no_snake "
                    "the snake detector's probability that there is no snake",
                },
                "verdict": {
                    "type": "string",
                    "description": "The sentence the bot would say, in the answer's Content-Language",
                },
                "confidence_text": {"type": "string", "description": "The confidence, worded as an estimate"},
                "caveat": {
                    "type": "string",
                    "description": "What to do: keep away, never handle, after a bite",
                },
                "probabilities": {
                    "type": "array",
                    "description": "Every class, highest first",
                    "items": {
                        "type": "object",
                        "required": ["label", "probability"],
                        "properties": {"label": {"enum": list(CLASSES)}, "probability": probability},
                    },
                },
                "model": {
                    "type": "object",
                    "required": ["name", "version"],
                    "properties": {"name": {"type": "string"}, "version": {"type": "string"}},
                },
                "classification_id": {
                    "type": ["string", "null"],
                    "description": "What `POST /api/v1/feedback` answers to; null when it cannot be answered",
                },
            },
        },
        "Feedback": {
            "type": "object",
            "required": ["classification_id", "answer"],
            "properties": {
                "classification_id": {"type": "string", "minLength": 1, "maxLength": 32},
                "answer": {"enum": list(ANSWERS)},
            },
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
    }

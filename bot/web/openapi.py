"""The OpenAPI 3.1 description of the web API, served at `/openapi.json` and rendered at `/docs`.

The JSON bodies' schemas are generated from the models the API parses and answers with (bot/web/bodies.py);
the operations around them (paths, parameters, statuses, headers, security) are written here.
"""

from typing import Any

from pydantic import BaseModel

from bot.i18n import LANGUAGES
from bot.settings import Settings
from bot.web.api import CLASSIFY_PATH
from bot.web.bodies import (
    REQUIRED_TOGETHER,
    ClassifyAnswer,
    ClassifyRequest,
    ErrorBody,
    FeedbackAnswer,
    FeedbackRequest,
)
from bot.web.feedback import FEEDBACK_PATH
from bot.web.where import PLACE_FIELDS

REF_TEMPLATE = "#/components/schemas/{model}"
COMPONENTS = (ClassifyAnswer, FeedbackRequest, FeedbackAnswer, ErrorBody)
"""The models in `components.schemas`, each under its title, with the models they nest under theirs."""

ERRORS = {
    "400": "Not an image we can read, a broken form or one without `file`, a body that is not JSON, "
    "a `lang` we do not speak, a `region` that is no ISO 3166 code (`bad_region`), or a `latitude` and "
    "`longitude` that are no position (`bad_location`)",
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
            "and the `probabilities` labels are the same in every language. Where the snake was seen "
            "(`region`, or `latitude` and `longitude`, in the body or the query; else the photo's GPS) "
            "picks the thresholds: the answer's `place` and `rule` say which."
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
            *_place_parameters(),
        ],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}, **_place_fields()},
                        **REQUIRED_TOGETHER,
                    },
                    "encoding": {"file": {"contentType": "image/*, application/octet-stream"}},
                },
                "application/json": {"schema": model_schema(ClassifyRequest)},  # inline, like the form
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
                "content": {"application/json": {"schema": _ref(ClassifyAnswer)}},
            },
            **_error_responses(ERRORS),
        },
    }


def _place_fields() -> dict[str, Any]:
    """The place fields' schemas as a form or the query has them: the JSON ones, never null."""
    properties = model_schema(ClassifyRequest)["properties"]
    fields = {name: dict(properties[name]) for name in PLACE_FIELDS}
    for schema in fields.values():
        (not_null,) = [option for option in schema.pop("anyOf") if option.get("type") != "null"]
        schema.pop("default", None)
        schema.update(not_null)
    return fields


def _place_parameters() -> list[dict[str, Any]]:
    """The place fields as query parameters, for clients that send the photo's bytes alone in the body."""
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": schema.pop("description") + "; a field in the body wins",
            "schema": schema,
        }
        for name, schema in _place_fields().items()
    ]


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
            "content": {"application/json": {"schema": _ref(FeedbackRequest)}},
        },
        "responses": {
            "200": {
                "description": "Saved now, or saved before",
                "content": {"application/json": {"schema": _ref(FeedbackAnswer)}},
            },
            **_error_responses(FEEDBACK_ERRORS),
        },
    }


def _error_responses(errors: dict[str, str]) -> dict[str, Any]:
    return {
        status: {
            "description": description,
            "content": {"application/json": {"schema": _ref(ErrorBody)}},
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


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema, its nested models referred to in `components.schemas`."""
    return model.model_json_schema(ref_template=REF_TEMPLATE)


def schema_name(model: type[BaseModel]) -> str:
    return model.model_config.get("title") or model.__name__


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=schema_name(model))}


def _schemas() -> dict[str, Any]:
    """Each of COMPONENTS and every model it nests, the nested ones hoisted from its `$defs`."""
    schemas: dict[str, Any] = {}
    for model in COMPONENTS:
        schema = model_schema(model)
        nested = schema.pop("$defs", {})
        for name, nested_schema in {**nested, schema_name(model): schema}.items():
            if schemas.setdefault(name, nested_schema) != nested_schema:
                raise ValueError(f"two schemas named {name} in the OpenAPI document")
    return schemas

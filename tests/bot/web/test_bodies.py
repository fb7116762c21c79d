"""The API's JSON bodies are the models of bot/web/bodies.py; the OpenAPI document's schemas are theirs."""

import json
from gettext import NullTranslations
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.replies import reply_for
from bot.web.api import classification
from bot.web.bodies import (
    ClassifyAnswer,
    ClassifyRequest,
    ErrorBody,
    FeedbackAnswer,
    FeedbackRequest,
)
from bot.web.openapi import COMPONENTS, REF_TEMPLATE, model_schema, schema_name
from bot.web.where import REGION_PATTERN
from model import Verdict
from tests.bot.web.test_api import CLASSIFY, upload
from tests.bot.web.test_feedback_api import FEEDBACK, classified
from tests.tiny_model import photo_bytes


async def test_the_documents_schemas_are_the_models(client: TestClient) -> None:
    document = await (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    answer = ClassifyAnswer.model_json_schema(ref_template=REF_TEMPLATE)
    nested = answer.pop("$defs")
    assert schemas["Classification"] == answer
    assert (
        {name: schemas[name] for name in nested}
        == nested
        == {
            "ClassProbability": schemas["ClassProbability"],
            "ModelInfo": schemas["ModelInfo"],
            "PlaceInfo": schemas["PlaceInfo"],
        }
    )
    for model in COMPONENTS:
        schema = model_schema(model)
        assert {**schema.pop("$defs", {}), schema_name(model): schema}.items() <= schemas.items()
    assert set(schemas) == {
        "Classification", "ClassProbability", "ModelInfo", "PlaceInfo", "Feedback", "FeedbackAnswer",
        "Error", "ErrorDetail",
    }  # fmt: skip

    classify = document["paths"][CLASSIFY]["post"]
    assert classify["requestBody"]["content"]["application/json"]["schema"] == model_schema(ClassifyRequest)
    assert classify["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Classification"
    }
    feedback = document["paths"][FEEDBACK]["post"]
    assert feedback["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Feedback"
    }
    assert feedback["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FeedbackAnswer"
    }
    for operation in (classify, feedback):
        for status, response in operation["responses"].items():
            if status != "200":
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
    refs = refs_in(document)
    assert len(refs) > 10 and all(ref.removeprefix("#/components/schemas/") in schemas for ref in refs)


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in refs_in(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs_in(value)]
    return []


def test_the_request_schemas_say_what_the_api_accepts() -> None:
    link = model_schema(ClassifyRequest)
    url = link["properties"]["url"]
    assert url["type"] == "string" and url["format"] == "uri"
    assert url["examples"] == ["https://example.com/snake.jpg"]
    assert link["required"] == ["url"] and list(link["properties"]) == [
        "url",
        "region",
        "latitude",
        "longitude",
    ]
    region = link["properties"]["region"]
    assert region["anyOf"][0]["pattern"] == REGION_PATTERN and region["anyOf"][1] == {"type": "null"}
    assert link["properties"]["latitude"]["anyOf"][0] == {"type": "number", "minimum": -90, "maximum": 90}
    assert link["properties"]["longitude"]["anyOf"][0] == {"type": "number", "minimum": -180, "maximum": 180}
    assert link["dependentRequired"] == {"latitude": ["longitude"], "longitude": ["latitude"]}
    feedback = model_schema(FeedbackRequest)
    assert feedback["required"] == ["classification_id", "answer"]
    assert feedback["properties"]["answer"]["enum"] == [
        "right", "coral_snake", "kingsnake", "other_snake", "no_snake", "not_sure",
    ]  # fmt: skip
    identifier = feedback["properties"]["classification_id"]
    assert (identifier["minLength"], identifier["maxLength"]) == (1, 32)


async def test_a_real_classify_answer_and_feedback_answer_are_the_models(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake", seed=20)))
    body = await response.json()
    assert list(body) == [
        "label", "best_guess", "confidence", "verdict", "confidence_text", "caveat", "probabilities", "model",
        "classification_id", "place", "rule",
    ]  # fmt: skip
    assert (body["place"], body["rule"]) == (None, "strict")  # a drawn photo has no GPS
    assert [list(entry) for entry in body["probabilities"]] == [["label", "probability"]] * 4
    assert list(body["model"]) == ["name", "version"]
    answer = ClassifyAnswer.model_validate(body)
    assert answer.model_dump(mode="json", exclude_unset=True) == body

    classification_id = await classified(client, seed=31)
    saved = await client.post(FEEDBACK, json={"classification_id": classification_id, "answer": "right"})
    assert FeedbackAnswer.model_validate(await saved.json()).status == "recorded"
    unknown = await client.post(FEEDBACK, json={"classification_id": "nope", "answer": "right"})
    assert unknown.status == 404
    assert ErrorBody.model_validate(await unknown.json()).error.code == "unknown_classification"


def test_the_answer_dumps_as_the_hand_built_json_did() -> None:
    probabilities = {
        "kingsnake": 0.0712345,
        "coral_snake": 0.9123456,
        "other_snake": 0.01,
        "no_snake": 0.0064199,
    }
    verdict = Verdict("coral_snake", "coral_snake", 0.9123456, probabilities)
    answer = classification(verdict, "tiny", "abc123", NullTranslations(), place=None, rule="strict")
    reply = reply_for(verdict, NullTranslations())
    before = {  # what bot/web/api.py answered before the models, built by hand
        "label": "coral_snake",
        "best_guess": "coral_snake",
        "confidence": 0.9123,
        "verdict": reply.verdict,
        "confidence_text": reply.confidence,
        "caveat": reply.caveat,
        "probabilities": [
            {"label": "coral_snake", "probability": 0.9123},
            {"label": "kingsnake", "probability": 0.0712},
            {"label": "other_snake", "probability": 0.01},
            {"label": "no_snake", "probability": 0.0064},
        ],
        "model": {"name": "tiny", "version": "abc123"},
    }
    place = {"place": None, "rule": "strict"}  # where the snake was seen: appended, the rest unchanged
    dumped = answer.model_dump(mode="json", exclude_unset=True)  # no feedback: no classification_id
    assert json.dumps(dumped) == json.dumps({**before, **place})
    answer.classification_id = None  # feedback that cannot be answered
    assert json.dumps(answer.model_dump(mode="json", exclude_unset=True)) == json.dumps(
        {**before, "classification_id": None, **place}
    )


BAD_ID = "Send the classification_id from the classify answer."
BAD_ANSWER = "answer must be one of right, coral_snake, kingsnake, other_snake, no_snake, not_sure."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([1], BAD_ID),
        ("right", BAD_ID),
        ({}, BAD_ID),
        ({"answer": "maybe"}, BAD_ID),
        ({"classification_id": "", "answer": "right"}, BAD_ID),
        ({"classification_id": "x" * 33, "answer": "right"}, BAD_ID),
        ({"classification_id": 7, "answer": "right"}, BAD_ID),
        ({"classification_id": "abc", "answer": "maybe"}, BAD_ANSWER),
        ({"classification_id": "abc"}, BAD_ANSWER),
        ({"classification_id": "abc", "answer": ["right"]}, BAD_ANSWER),
        (None, BAD_ID),
    ],
)
async def test_feedback_validation_errors_keep_their_messages(
    client: TestClient, body: object, message: str
) -> None:
    response = await client.post(
        FEEDBACK, data=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status == 422
    assert await response.json() == {"error": {"code": "bad_feedback", "message": message}}


@pytest.mark.parametrize("body", [{"url": ""}, {"url": 5}, {"url": None}, {"url": ["x"]}, "x", None, 3])
async def test_classify_link_validation_errors_keep_their_message(client: TestClient, body: object) -> None:
    response = await client.post(
        CLASSIFY, data=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    assert response.status == 422
    message = 'Send JSON {"url": "https://..."} with a link to an image.'
    assert await response.json() == {"error": {"code": "bad_url", "message": message}}

"""POST /api/v1/classify: verdicts for uploads and links, and a clear JSON error for each way to fail."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from model import CLASSES, Classifier
from tests.bot.web.conftest import ApiClientFactory
from tests.fakes.classifiers import GatedClassifier
from tests.fakes.image_host import image_app, serving
from tests.tiny_model import photo_bytes

CLASSIFY = "/api/v1/classify"


def upload(data: bytes, content_type: str = "image/jpeg", field: str = "file") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field(field, data, filename="snake.jpg", content_type=content_type)
    return form


@pytest.fixture
async def image_host() -> AsyncIterator[str]:
    async with serving(image_app({"/coral.jpg": photo_bytes("coral_snake", seed=21)})) as base:
        yield f"{base}/coral.jpg"


async def test_upload_gets_the_verdict_with_sorted_probabilities(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake", seed=20)))
    assert response.status == 200
    body = await response.json()
    assert body["label"] == "coral_snake" == body["best_guess"]
    assert body["verdict"] == "Likely a venomous coral snake"
    assert "never handle" in body["caveat"]
    assert 0.25 < body["confidence"] <= 1
    probabilities = [entry["probability"] for entry in body["probabilities"]]
    assert probabilities == sorted(probabilities, reverse=True)
    assert {entry["label"] for entry in body["probabilities"]} == set(CLASSES)
    assert abs(sum(probabilities) - 1) < 1e-3
    assert body["model"]["name"] == "tiny" and len(body["model"]["version"]) == 12


async def test_link_gets_the_verdict(client: TestClient, image_host: str) -> None:
    response = await client.post(CLASSIFY, json={"url": image_host})
    assert response.status == 200
    assert (await response.json())["label"] == "coral_snake"


async def error_of(response: aiohttp.ClientResponse, status: int) -> str:
    assert response.status == status, await response.text()
    body = await response.json()
    assert set(body["error"]) == {"code", "message"}
    return body["error"]["code"]


async def test_not_an_image_is_400(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=upload(b"\x89PNG\r\n\x1a\n broken"))
    assert await error_of(response, 400) == "not_an_image"


async def test_form_without_file_is_400(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake"), field="photo"))
    assert await error_of(response, 400) == "missing_file"


async def test_bad_json_is_400(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=b"{url:", headers={"Content-Type": "application/json"})
    assert await error_of(response, 400) == "bad_json"


async def test_too_large_is_413(client: TestClient) -> None:
    big = b"\xff\xd8" + b"\0" * (20 * 1024 * 1024 + 1)
    response = await client.post(CLASSIFY, data=upload(big))
    assert await error_of(response, 413) == "too_large"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"just text", "text/plain"), (b"a=1", "application/x-www-form-urlencoded")],
)
async def test_wrong_body_type_is_415(client: TestClient, body: bytes, content_type: str) -> None:
    response = await client.post(CLASSIFY, data=body, headers={"Content-Type": content_type})
    assert await error_of(response, 415) == "unsupported_media_type"


async def test_uploaded_file_of_a_non_image_type_is_415(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=upload(b"%PDF-1.4", content_type="application/pdf"))
    assert await error_of(response, 415) == "unsupported_media_type"


@pytest.mark.parametrize(
    "payload",
    [{"url": "ftp://example.com/snake.jpg"}, {"url": "http://169.254.169.254/"}, {"link": "x"}, ["x"]],
)
async def test_bad_url_is_422(make_client: ApiClientFactory, payload: object) -> None:
    client = await make_client(FETCH_ALLOWED_NETWORKS="")
    response = await client.post(CLASSIFY, json=payload)
    assert await error_of(response, 422) == "bad_url"


async def test_too_many_requests_is_429_with_retry_after(make_client: ApiClientFactory) -> None:
    client = await make_client(API_RATE_LIMIT="2")
    statuses = [(await client.post(CLASSIFY, data=upload(photo_bytes("no_snake")))).status for _ in range(2)]
    assert statuses == [200, 200]
    response = await client.post(CLASSIFY, data=upload(photo_bytes("no_snake")))
    assert await error_of(response, 429) == "too_many_requests"
    assert int(response.headers["Retry-After"]) >= 1


async def message_of(response: aiohttp.ClientResponse, status: int) -> str:
    assert response.status == status, await response.text()
    return (await response.json())["error"]["message"]


async def test_what_a_person_on_the_page_can_meet_is_in_their_language(make_client: ApiClientFactory) -> None:
    client = await make_client(API_RATE_LIMIT="3")
    spanish = {"Accept-Language": "es-MX,es;q=0.9"}
    big = b"\xff\xd8" + b"\0" * (20 * 1024 * 1024 + 1)
    too_large = await client.post(CLASSIFY, data=upload(big), headers=spanish)
    assert await message_of(too_large, 413) == "Esa imagen pesa más de 20 MB. Envía una más pequeña."
    pdf = await client.post(
        CLASSIFY, data=upload(b"%PDF-1.4", content_type="application/pdf"), headers=spanish
    )
    assert await message_of(pdf, 415) == "Este archivo no es una imagen que pueda leer."
    await client.post(CLASSIFY, data=upload(photo_bytes("no_snake")), params={"lang": "es"})
    waiting = await client.post(CLASSIFY, data=upload(photo_bytes("no_snake")), params={"lang": "es"})
    assert (await message_of(waiting, 429)).startswith("Demasiadas solicitudes.")


async def test_overloaded_is_503(make_client: ApiClientFactory, tiny_classifier: Classifier) -> None:
    gated = GatedClassifier(tiny_classifier)
    client = await make_client(gated, INFERENCE_QUEUE_SIZE="1")
    waiting = asyncio.create_task(client.post(CLASSIFY, data=upload(photo_bytes("coral_snake"))))
    await asyncio.to_thread(gated.entered.wait, 10)
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake")))
    assert await error_of(response, 503) == "overloaded"
    assert response.headers["Retry-After"] == "60"
    gated.gate.set()
    assert (await waiting).status == 200


async def test_api_key_is_required_when_set(make_client: ApiClientFactory) -> None:
    client = await make_client(API_KEY="open-sesame")
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake")))
    assert await error_of(response, 401) == "unauthorized"
    response = await client.post(
        CLASSIFY, data=upload(photo_bytes("coral_snake")), headers={"Authorization": "Bearer open-sesame"}
    )
    assert response.status == 200


async def test_api_can_be_switched_off(make_client: ApiClientFactory) -> None:
    client = await make_client(API_ENABLED="false")
    for method, path in [("POST", CLASSIFY), ("GET", "/"), ("GET", "/openapi.json"), ("GET", "/docs")]:
        assert (await client.request(method, path)).status == 404
    assert (await client.get("/healthz")).status == 200


async def test_metrics_count_requests_verdicts_latency_and_queue(client: TestClient) -> None:
    await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake", seed=30)))
    await client.post(CLASSIFY, data=upload(b"\xff\xd8\xff broken"))
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.content_type == "text/plain"
    text = await response.text()
    assert 'snakebot_requests_total{outcome="answered",source="api"} 1.0' in text
    assert 'snakebot_requests_total{outcome="unreadable",source="api"} 1.0' in text
    assert 'snakebot_verdicts_total{label="coral_snake",source="api"} 1.0' in text
    assert "snakebot_inference_seconds_count 1.0" in text
    assert "snakebot_queue_depth 0.0" in text


async def test_broken_multipart_is_400(client: TestClient) -> None:
    response = await client.post(CLASSIFY, data=b"--x\r\n", headers={"Content-Type": "multipart/form-data"})
    assert await error_of(response, 400) == "bad_form"


async def test_words_follow_accept_language_and_labels_stay(client: TestClient) -> None:
    photo = photo_bytes("coral_snake", seed=20)
    english = await client.post(CLASSIFY, data=upload(photo))
    spanish = await client.post(CLASSIFY, data=upload(photo), headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert english.headers["Content-Language"] == "en" and spanish.headers["Content-Language"] == "es"
    english_body, spanish_body = await english.json(), await spanish.json()
    assert spanish_body["verdict"] == "Probablemente un coralillo venenoso"
    assert spanish_body["confidence_text"].startswith("Confianza del modelo:")
    assert "911 en México y EE. UU." in spanish_body["caveat"]
    for key in ("label", "best_guess", "confidence", "probabilities", "model"):
        assert spanish_body[key] == english_body[key]


async def test_lang_parameter_wins_over_accept_language(client: TestClient, image_host: str) -> None:
    spanish = await client.post(
        f"{CLASSIFY}?lang=es", json={"url": image_host}, headers={"Accept-Language": "en"}
    )
    assert spanish.headers["Content-Language"] == "es"
    assert (await spanish.json())["verdict"] == "Probablemente un coralillo venenoso"
    english = await client.post(
        f"{CLASSIFY}?lang=en", json={"url": image_host}, headers={"Accept-Language": "es"}
    )
    assert (await english.json())["verdict"] == "Likely a venomous coral snake"


async def test_errors_about_the_image_are_in_the_asked_language(client: TestClient) -> None:
    response = await client.post(f"{CLASSIFY}?lang=es", data=upload(b"\x89PNG\r\n\x1a\n roto"))
    assert await error_of(response, 400) == "not_an_image"
    assert (await response.json())["error"]["message"] == "Este archivo no es una imagen que pueda leer."


async def test_an_unknown_lang_is_400(client: TestClient) -> None:
    response = await client.post(f"{CLASSIFY}?lang=fr", data=upload(photo_bytes("coral_snake", seed=20)))
    assert await error_of(response, 400) == "bad_language"

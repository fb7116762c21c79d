"""POST /api/v1/feedback: the web page's Right / Wrong for a classify answer, stored like the bot's."""

import io
import logging
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient
from PIL import Image
from sqlalchemy import text

from bot.web.api import CLASSIFY_FEEDBACK
from feedback import open_engine
from tests.bot.conftest import free_port
from tests.bot.web.conftest import ApiClientFactory
from tests.bot.web.test_api import CLASSIFY, upload
from tests.tiny_model import photo_bytes

FEEDBACK = "/api/v1/feedback"


async def classified(client: TestClient, seed: int = 30) -> str:
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake", seed=seed)))
    assert response.status == 200
    return (await response.json())["classification_id"]


async def test_an_answer_is_saved_once_with_the_photo(client: TestClient, tmp_path: Path) -> None:
    classification_id = await classified(client)
    first = await client.post(FEEDBACK, json={"classification_id": classification_id, "answer": "kingsnake"})
    assert first.status == 200 and await first.json() == {"status": "recorded"}
    again = await client.post(FEEDBACK, json={"classification_id": classification_id, "answer": "right"})
    assert again.status == 200 and await again.json() == {"status": "already_answered"}
    engine = open_engine(f"sqlite:///{tmp_path / 'data' / 'feedback.sqlite3'}")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT source, user_hash, answer, photo FROM classifications")).one()
    engine.dispose()
    assert (row.source, row.user_hash, row.answer) == ("web", None, "kingsnake")
    assert row.photo.startswith(b"\xff\xd8")  # a JPEG


async def test_unknown_ids_bad_answers_and_bad_bodies_are_refused(client: TestClient) -> None:
    unknown = await client.post(FEEDBACK, json={"classification_id": "nope", "answer": "right"})
    assert unknown.status == 404 and (await unknown.json())["error"]["code"] == "unknown_classification"
    classification_id = await classified(client)
    for body in ({"classification_id": classification_id, "answer": "maybe"}, {"answer": "right"}, [1]):
        response = await client.post(FEEDBACK, json=body)
        assert response.status == 422 and (await response.json())["error"]["code"] == "bad_feedback"
    broken = await client.post(FEEDBACK, data="{", headers={"Content-Type": "application/json"})
    assert broken.status == 400


async def test_feedback_shares_the_classify_rate_limit(make_client: ApiClientFactory) -> None:
    client = await make_client(API_RATE_LIMIT="1")
    classification_id = await classified(client)
    limited = await client.post(FEEDBACK, json={"classification_id": classification_id, "answer": "right"})
    assert limited.status == 429 and "Retry-After" in limited.headers


async def test_with_the_database_down_classify_works_offers_no_feedback_and_health_says_so(
    make_client: ApiClientFactory,
) -> None:
    client = await make_client(DATABASE_URL=f"postgresql://nobody@127.0.0.1:{free_port()}/feedback")
    response = await client.post(CLASSIFY, data=upload(photo_bytes("coral_snake", seed=31)))
    assert response.status == 200 and (await response.json())["classification_id"] is None
    health = await (await client.get("/healthz")).json()
    assert health["feedback_database"] == "degraded"


async def test_hostile_ids_never_reach_the_database_or_the_log(
    make_client: ApiClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A database that is down would answer 503 to any id that reached it: these must be 404 before that.
    client = await make_client(DATABASE_URL=f"postgresql://nobody@127.0.0.1:{free_port()}/feedback")
    caplog.clear()  # the start-up's failed migration is logged: the database is down
    with caplog.at_level(logging.INFO):
        for hostile in ("abc\x00def", "abc\nERROR forged log line", "../../etc", "x y"):
            body = {"classification_id": hostile, "answer": "right"}
            assert (await client.post(FEEDBACK, json=body)).status == 404, hostile
    assert "forged log line" not in caplog.text and "unavailable" not in caplog.text


async def test_json_nested_past_any_depth_is_a_bad_body_not_a_crash(client: TestClient) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    for path in (FEEDBACK, CLASSIFY):
        response = await client.post(path, data=nested, headers={"Content-Type": "application/json"})
        assert response.status == 400 and (await response.json())["error"]["code"] == "bad_json"


async def test_a_feedback_body_too_large_says_so_without_speaking_of_images(client: TestClient) -> None:
    body = '{"classification_id": "' + "x" * 2_000_000 + '", "answer": "right"}'
    response = await client.post(FEEDBACK, data=body, headers={"Content-Type": "application/json"})
    assert response.status == 413
    error = (await response.json())["error"]
    assert error == {"code": "too_large", "message": "The request body is too large."}


async def test_a_flood_of_unanswered_photos_keeps_every_correction_photo(
    make_client: ApiClientFactory, tmp_path: Path
) -> None:
    client = await make_client(API_RATE_LIMIT="1000")
    client.app[CLASSIFY_FEEDBACK].store.max_photo_bytes = 50_000  # FEEDBACK_MAX_MB's floor is 1 MB: a test
    for seed in range(3):
        classification_id = await classified(client, seed=40 + seed)
        body = {"classification_id": classification_id, "answer": "kingsnake"}
        assert (await client.post(FEEDBACK, json=body)).status == 200
    for seed in range(80):  # one client, never answering, with photos that don't compress
        noise = np.random.default_rng(seed).integers(0, 256, (600, 800, 3), dtype=np.uint8)
        photo = io.BytesIO()
        Image.fromarray(noise).save(photo, "JPEG", quality=95)
        assert (await client.post(CLASSIFY, data=upload(photo.getvalue()))).status == 200
    engine = open_engine(f"sqlite:///{tmp_path / 'data' / 'feedback.sqlite3'}")
    with engine.connect() as connection:
        answered = connection.scalar(
            text("SELECT count(*) FROM classifications WHERE answer IS NOT NULL AND photo IS NOT NULL")
        )
        waiting = connection.scalar(
            text("SELECT count(*) FROM classifications WHERE answer IS NULL AND photo IS NOT NULL")
        )
    engine.dispose()
    assert answered == 3 and waiting <= 20  # the cap took unanswered photos; one client keeps at most 20

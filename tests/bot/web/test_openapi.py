"""The OpenAPI document is valid, matches the routes, and the running server keeps to it (schemathesis)."""

import asyncio
import json
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

from tests.bot.web.conftest import ApiClientFactory

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")  # installed beside this Python (dev extra)


async def test_document_is_valid_openapi(client: TestClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status == 200
    document = await response.json()
    validate(document)
    assert set(document["paths"]) == {"/api/v1/classify", "/api/v1/feedback", "/healthz"}
    assert "securitySchemes" not in document.get("components", {})

    classify = document["paths"]["/api/v1/classify"]["post"]
    parameters = {parameter["name"]: parameter for parameter in classify["parameters"]}
    assert parameters["lang"]["in"] == "query" and parameters["lang"]["schema"]["enum"] == ["en", "es"]
    assert parameters["Accept-Language"]["in"] == "header"
    assert classify["responses"]["200"]["headers"]["Content-Language"]["schema"]["enum"] == ["en", "es"]

    region, latitude, longitude = (parameters[name] for name in ("region", "latitude", "longitude"))
    assert {region["in"], latitude["in"], longitude["in"]} == {"query"}
    assert region["schema"]["type"] == "string" and "ISO 3166" in region["description"]
    assert (latitude["schema"]["minimum"], latitude["schema"]["maximum"]) == (-90, 90)
    assert (longitude["schema"]["minimum"], longitude["schema"]["maximum"]) == (-180, 180)
    form = classify["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert list(form["properties"]) == ["file", "region", "latitude", "longitude"]
    assert form["properties"]["region"]["pattern"] == region["schema"]["pattern"] and form["required"] == [
        "file"
    ]
    assert form["dependentRequired"] == {"latitude": ["longitude"], "longitude": ["latitude"]}
    answer = document["components"]["schemas"]["Classification"]
    assert list(answer["properties"])[-2:] == ["place", "rule"] and {"place", "rule"} <= set(
        answer["required"]
    )
    assert answer["properties"]["rule"]["enum"] == ["strict", "rhyme_holds"]
    assert "400" in classify["responses"] and "bad_region" in classify["responses"]["400"]["description"]


async def test_document_shows_the_key_requirement_when_one_is_set(make_client: ApiClientFactory) -> None:
    client = await make_client(API_KEY="k")
    document = await (await client.get("/openapi.json")).json()
    validate(document)
    assert document["paths"]["/api/v1/classify"]["post"]["security"] == [{"bearer": []}]
    assert document["paths"]["/api/v1/feedback"]["post"]["security"] == [{"bearer": []}]


async def test_docs_page_lists_every_operation_and_status(client: TestClient) -> None:
    response = await client.get("/docs")
    assert response.status == 200 and response.content_type == "text/html"
    page = await response.text()
    assert "POST /api/v1/classify" in page and "POST /api/v1/feedback" in page and "GET /healthz" in page
    for status in ("200", "400", "413", "415", "422", "429", "503"):
        assert f"<code>{status}</code>" in page
    assert "http://" not in page.split("<pre>")[0].replace('href="/', "")  # no external assets


@pytest.mark.skipif(not SCHEMATHESIS.is_file(), reason="schemathesis is not installed")
async def test_running_server_keeps_to_its_document(make_client: ApiClientFactory, tmp_path: Path) -> None:
    """Schemathesis fuzzes the live document against the live server.

    The `url` field is narrowed to links on this server itself: generated host names would otherwise
    send the fetcher to resolve and contact arbitrary addresses. The `positive_data_acceptance` check
    is left out because schema-valid bytes that are not a photo must be refused (400), by design.
    """
    client = await make_client(API_RATE_LIMIT="100000")
    document = await (await client.get("/openapi.json")).json()
    base = str(client.make_url("")).rstrip("/")
    json_body = document["paths"]["/api/v1/classify"]["post"]["requestBody"]["content"]["application/json"]
    json_body["schema"]["properties"]["url"] = {"type": "string", "pattern": f"^{base}/[a-z]{{0,8}}$"}
    schema_file = tmp_path / "openapi.json"
    schema_file.write_text(json.dumps(document))
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS), "run", str(schema_file), "--url", base, "--checks", "all",
        "--exclude-checks", "positive_data_acceptance", "--max-examples", "25", "--seed", "1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, output.decode()[-4000:]

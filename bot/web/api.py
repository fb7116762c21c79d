"""The public JSON API, `POST /api/v1/classify`: the bot's guarded fetch and executor, over HTTP.

Errors are JSON `{"error": {"code", "message"}}` with the status that says what went wrong:
400 not an image (or an unknown `lang`, a `region` that is no ISO 3166 code: `bad_region`, a latitude
and longitude that are no position: `bad_location`), 401 missing key, 413 too large, 415 wrong type,
422 bad link, 429 too many requests, 503 overloaded.

Where the snake was seen (`region`, or `latitude` and `longitude`, else the photo's GPS: bot/web/where.py)
picks the thresholds the verdict is decided by; the answer says which place and which `rule` it took.

The words (`verdict`, `confidence_text`, `caveat`, and every message a person using the web page can meet:
the image or link, its size or type, waiting) are in the language asked by `?lang=` or else by
Accept-Language; labels and error codes are the same in every language. The messages only a client's
developer meets (a missing key, an unknown `lang`, a broken form or JSON body) are in English.
"""

import hmac
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from gettext import NullTranslations
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from pydantic import ValidationError

from bot.feedback_service import FeedbackService
from bot.i18n import LANGUAGES, language_of_request, translations_for
from bot.images import (
    CHUNK_BYTES,
    IMAGE_CONTENT_TYPES,
    MAX_IMAGE_BYTES,
    ImageFetcher,
    ImageFetchError,
    ImageTooLarge,
    read_capped,
)
from bot.inference import Overloaded
from bot.metrics import ObservedInference
from bot.replies import BUSY_RETRY_MINUTES, busy, image_error, reply_for
from bot.settings import Settings
from bot.web.bodies import (
    ClassifyAnswer,
    ClassifyRequest,
    ClassProbability,
    ErrorBody,
    ErrorDetail,
    ModelInfo,
    PlaceInfo,
    Rule,
)
from bot.web.ratelimit import RateLimiter
from bot.web.where import (
    PLACE_FIELDS,
    Asked,
    BadPlace,
    asked_in_json,
    asked_in_query,
    asked_in_text,
    hide_positions_from_access_log,
    place_code,
    read_field,
)
from model import UnreadableImage, Verdict
from model.decoding import NOT_A_PICTURE
from model.words import N_

CLASSIFY_PATH = "/api/v1/classify"
MULTIPART_OVERHEAD = 64 * 1024
API_INFERENCE = web.AppKey("api_inference", ObservedInference)
FETCHER = web.AppKey("fetcher", ImageFetcher)
RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)
API_SETTINGS = web.AppKey("api_settings", Settings)
CLASSIFY_FEEDBACK = web.AppKey("classify_feedback", FeedbackService)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """An error the client caused or must wait out, answered as JSON with `status`."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self) -> web.Response:
        body = ErrorBody(error=ErrorDetail(code=self.code, message=self.message))
        return web.json_response(body.model_dump(mode="json"), status=self.status, headers=self.headers)


def add_api(
    app: web.Application,
    settings: Settings,
    inference: ObservedInference,
    fetcher: ImageFetcher,
    feedback: FeedbackService | None = None,
) -> None:
    """Serve the API on `app`, with its error middleware and per-client rate limit."""
    if feedback is not None:
        app[CLASSIFY_FEEDBACK] = feedback
    app[API_SETTINGS] = settings
    app[API_INFERENCE] = inference
    app[FETCHER] = fetcher
    app[RATE_LIMITER] = RateLimiter(settings.api_rate_limit)
    app.middlewares.append(api_errors_as_json)
    hide_positions_from_access_log()
    app.router.add_post(CLASSIFY_PATH, classify)


@web.middleware
async def api_errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error.response()
    except BadPlace as error:
        return ApiError(400, error.code, error.message).response()
    except web.HTTPRequestEntityTooLarge:
        if request.path == CLASSIFY_PATH:
            return _too_large(_translations(request)).response()
        return ApiError(413, "too_large", "The request body is too large.").response()


async def classify(request: web.Request) -> web.Response:
    """Classify an uploaded photo (multipart `file`) or the image at a link (JSON `{"url": ...}`), for a
    snake seen where the request says (a `region`, a `latitude` and `longitude`) or the photo's GPS does."""
    check_access(request)
    language = _language(request)
    translations, in_query = translations_for(language), asked_in_query(request)
    data, in_body = await _image_bytes(request, translations)
    code = await place_code(in_body.over(in_query), data)
    inference = request.app[API_INFERENCE]
    try:
        classified = await inference.classify(data, code)
    except UnreadableImage as error:
        raise ApiError(400, "not_an_image", image_error(error, translations)) from error
    except Overloaded as error:
        retry_after = str(BUSY_RETRY_MINUTES * 60)
        raise ApiError(503, "overloaded", busy(translations), {"Retry-After": retry_after}) from error
    classifier = inference.classifier
    answer = classification(
        classified.verdict, classifier.name, classifier.version, translations,
        place=PlaceInfo.of(code, language), rule=classifier.policy.rule_for(code),
    )  # fmt: skip
    feedback = request.app.get(CLASSIFY_FEEDBACK)
    if feedback is not None:
        client = client_address(request, request.app[API_SETTINGS].api_trust_proxy)
        answer.classification_id = await feedback.offer(
            "web", None, classified, classifier.version, place=code, client=client
        )
    body = answer.model_dump(mode="json", exclude_unset=True)  # no classification_id without feedback
    return web.json_response(body, headers={"Content-Language": language, "Vary": "Accept-Language"})


def classification(
    verdict: Verdict,
    model_name: str,
    model_version: str,
    translations: NullTranslations,
    *,
    place: PlaceInfo | None,
    rule: Rule,
) -> ClassifyAnswer:
    """The API's answer: the label, the bot's words for it, every class probability, highest first, and
    the place and rule it was decided for."""
    reply = reply_for(verdict, translations)
    return ClassifyAnswer(
        label=verdict.label,
        best_guess=verdict.best_guess,
        confidence=round(verdict.sureness, 4),
        verdict=reply.verdict,
        confidence_text=reply.confidence,
        caveat=reply.caveat,
        probabilities=[
            ClassProbability(label=label, probability=round(probability, 4))
            for label, probability in verdict.ranked_probabilities()
        ],
        model=ModelInfo(name=model_name, version=model_version),
        place=place,
        rule=rule,
    )


def check_access(request: web.Request) -> None:
    """The API key (when one is set) and the client's rate limit, shared by every API route."""
    settings = request.app[API_SETTINGS]
    if settings.api_key:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), settings.api_key.encode()):
            raise ApiError(401, "unauthorized", "Send the API key as 'Authorization: Bearer <key>'.",
                           {"WWW-Authenticate": "Bearer"})  # fmt: skip
    wait = request.app[RATE_LIMITER].retry_after(client_address(request, settings.api_trust_proxy))
    if wait:
        message = _translations(request).gettext(N_("Too many requests. Please wait a moment and try again."))
        raise ApiError(429, "too_many_requests", message, {"Retry-After": str(math.ceil(wait))})


def client_address(request: web.Request, trust_proxy: bool) -> str:
    """Who is asking: the peer, or behind a trusted proxy the address it appended to X-Forwarded-For."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if trust_proxy and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.remote or "unknown"


def _translations(request: web.Request) -> NullTranslations:
    """The request's words for an error met before its `lang` is checked (an unknown one is ignored)."""
    asked = request.query.get("lang")
    return translations_for(_language_of(request, asked if asked in LANGUAGES else None))


def _language(request: web.Request) -> str:
    asked = request.query.get("lang")
    if asked is not None and asked not in LANGUAGES:
        raise ApiError(400, "bad_language", f"lang must be one of: {', '.join(LANGUAGES)}.")
    return _language_of(request, asked)


def _language_of(request: web.Request, asked: str | None) -> str:
    return language_of_request(asked, request.headers.get("Accept-Language", ""))


async def _image_bytes(request: web.Request, translations: NullTranslations) -> tuple[bytes, Asked]:
    """The photo, and where the body says the snake was seen."""
    if (request.content_length or 0) > MAX_IMAGE_BYTES + MULTIPART_OVERHEAD:
        raise _too_large(translations)
    if request.content_type == "multipart/form-data":
        return await _uploaded_file(request, translations)
    if request.content_type == "application/json":
        return await _linked_image(request, translations)
    raise ApiError(
        415, "unsupported_media_type", "Send multipart/form-data with a 'file', or JSON {\"url\": ...}."
    )


async def _uploaded_file(request: web.Request, translations: NullTranslations) -> tuple[bytes, Asked]:
    """The form's (first) `file` and its place fields, wherever they stand in the form."""
    data: bytes | None = None
    fields: dict[str, list[str]] = {}
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "file" and data is None:
                data = await _read_file_part(part, translations)
            elif part.name in PLACE_FIELDS:
                fields.setdefault(part.name, []).append(await read_field(part))
    except (ValueError, HttpProcessingError) as error:  # no boundary, broken part headers
        raise ApiError(400, "bad_form", "The multipart form could not be read.") from error
    if data is None:
        raise ApiError(400, "missing_file", "The form has no 'file' field.")
    return data, asked_in_text(fields)


async def _read_file_part(part: BodyPartReader, translations: NullTranslations) -> bytes:
    content_type = part.headers.get("Content-Type", "application/octet-stream").lower()
    if not content_type.startswith(IMAGE_CONTENT_TYPES):
        unreadable = UnreadableImage(NOT_A_PICTURE)  # a PDF picked on the web page, say
        raise ApiError(415, "unsupported_media_type", image_error(unreadable, translations))
    try:
        return await read_capped(_chunks_of(part))
    except ImageTooLarge as error:
        raise _too_large(translations) from error


async def _chunks_of(part: BodyPartReader) -> AsyncIterator[bytes]:
    """The part's body in chunks (aiohttp's own iteration would read it whole)."""
    while chunk := await part.read_chunk(CHUNK_BYTES):
        yield chunk


async def _linked_image(request: web.Request, translations: NullTranslations) -> tuple[bytes, Asked]:
    try:
        payload = await request.json()
    except (ValueError, RecursionError) as error:  # nested past Python's depth: not a body we read
        raise ApiError(400, "bad_json", "The body is not valid JSON.") from error
    link, asked = _link_request(payload)
    try:
        return await request.app[FETCHER].fetch(link), asked
    except ImageTooLarge as error:
        raise _too_large(translations) from error
    except ImageFetchError as error:
        raise ApiError(422, "bad_url", image_error(error, translations)) from error


def _link_request(payload: Any) -> tuple[str, Asked]:
    """The link and the place in a JSON body; the link's errors (422) come before the place's (400)."""
    try:
        return ClassifyRequest.model_validate(payload).url, asked_in_json(payload)
    except ValidationError as error:
        fields = [entry["loc"][0] if entry["loc"] else "" for entry in error.errors()]
        if "url" in fields or "" in fields:  # not an object, or no non-empty string `url`
            message = 'Send JSON {"url": "https://..."} with a link to an image.'
            raise ApiError(422, "bad_url", message) from error
        asked_in_json(payload)  # raises BadPlace for the field at fault
        raise BadPlace(str(fields[0])) from error  # what the model refused, should the check miss it


def _too_large(translations: NullTranslations) -> ApiError:
    return ApiError(413, "too_large", image_error(ImageTooLarge(), translations))

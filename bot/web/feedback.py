"""`POST /api/v1/feedback`: the web page's Right / Wrong, for a classification the classify answer named.

Rate-limited and key-checked like classify. Answers: 200 `{"status": "recorded" | "already_answered"}`,
404 unknown or expired classification, 422 a bad answer, 503 the database is unreachable.
"""

from aiohttp import web
from pydantic import ValidationError

from bot.feedback_service import FeedbackService, FeedbackUnavailable
from bot.web.api import ApiError, check_access
from bot.web.bodies import FeedbackAnswer, FeedbackRequest
from feedback import ANSWERS, AnswerOutcome

FEEDBACK_PATH = "/api/v1/feedback"
API_FEEDBACK = web.AppKey("api_feedback", FeedbackService)


def add_feedback_api(app: web.Application, feedback: FeedbackService) -> None:
    app[API_FEEDBACK] = feedback
    app.router.add_post(FEEDBACK_PATH, record_feedback)


async def record_feedback(request: web.Request) -> web.Response:
    """Save the answer to a classification: "right", or the class the photo really showed."""
    check_access(request)
    asked = await _feedback_request(request)
    try:
        outcome = await request.app[API_FEEDBACK].answer(asked.classification_id, asked.answer, None)
    except FeedbackUnavailable as error:
        message = "Couldn't save your answer; please try later."
        raise ApiError(503, "unavailable", message, {"Retry-After": "60"}) from error
    if outcome not in (AnswerOutcome.RECORDED, AnswerOutcome.ALREADY_ANSWERED):
        raise ApiError(404, "unknown_classification", "This classification is unknown or too old to answer.")
    return web.json_response(FeedbackAnswer(status=outcome.value).model_dump(mode="json"))


async def _feedback_request(request: web.Request) -> FeedbackRequest:
    try:
        payload = await request.json()
    except (ValueError, RecursionError) as error:  # nested past Python's depth: not a body we read
        raise ApiError(400, "bad_json", "The body is not valid JSON.") from error
    try:
        return FeedbackRequest.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]["loc"]  # the fields in order: no object or a bad id is met first
        if not first or first[0] == "classification_id":
            message = "Send the classification_id from the classify answer."
        else:
            message = f"answer must be one of {', '.join(ANSWERS)}."
        raise ApiError(422, "bad_feedback", message) from error

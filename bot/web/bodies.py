"""The web API's JSON bodies: what the API parses and answers, and what its OpenAPI document describes.

`bot/web/api.py` and `bot/web/feedback.py` parse requests into these models and answer by dumping them;
`bot/web/openapi.py` generates the document's schemas from them, so the document follows the code. A
model's `title` is its name in the document's `components.schemas`.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from feedback import Answer
from model import CLASSES, LABELS

ClassName = Literal[CLASSES]  # the four classes, from their one definition in model/
Label = Literal[LABELS]  # a class, or "uncertain"


class ClassifyRequest(BaseModel):
    """`POST /api/v1/classify` as JSON: the link to an image (unknown fields are ignored)."""

    model_config = ConfigDict(strict=True)

    url: str = Field(
        min_length=1, json_schema_extra={"format": "uri"}, examples=["https://example.com/snake.jpg"]
    )


class ClassProbability(BaseModel):
    label: ClassName
    probability: float = Field(ge=0, le=1)


class ModelInfo(BaseModel):
    name: str
    version: str


class ClassifyAnswer(BaseModel):
    """The classify answer; `classification_id` is left out where the server keeps no feedback."""

    model_config = ConfigDict(title="Classification")

    label: Label = Field(description="`uncertain` when the safety policy will not commit")
    best_guess: ClassName = Field(description="The class the network ranks first")
    confidence: float = Field(
        ge=0,
        le=1,
        description="How sure the model is of best_guess: its probability, or for no_snake "
        "the snake detector's probability that there is no snake",
    )
    verdict: str = Field(description="The sentence the bot would say, in the answer's Content-Language")
    confidence_text: str = Field(description="The confidence, worded as an estimate")
    caveat: str = Field(description="What to do: keep away, never handle, after a bite")
    probabilities: list[ClassProbability] = Field(description="Every class, highest first")
    model: ModelInfo
    classification_id: str | None = Field(
        default=None,
        description="What `POST /api/v1/feedback` answers to; null when it cannot be answered",
    )


class FeedbackRequest(BaseModel):
    """`POST /api/v1/feedback`: the answer to one classification (unknown fields are ignored)."""

    model_config = ConfigDict(title="Feedback", strict=True)

    classification_id: str = Field(min_length=1, max_length=32)
    answer: Answer


class FeedbackAnswer(BaseModel):
    status: Literal["recorded", "already_answered"]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error's body: `{"error": {"code", "message"}}`."""

    model_config = ConfigDict(title="Error")

    error: ErrorDetail

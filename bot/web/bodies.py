"""The web API's JSON bodies: what the API parses and answers, and what its OpenAPI document describes.

`bot/web/api.py` and `bot/web/feedback.py` parse requests into these models and answer by dumping them;
`bot/web/openapi.py` generates the document's schemas from them, so the document follows the code. A
model's `title` is its name in the document's `components.schemas`.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.web.where import LIMITS, REGION_PATTERN
from feedback import Answer
from model import CLASSES, LABELS
from model.places import GROUPS, place_for

ClassName = Literal[CLASSES]  # the four classes, from their one definition in model/
Label = Literal[LABELS]  # a class, or "uncertain"
Rule = Literal[GROUPS]  # the thresholds a place's group answers by (model/places.py)

REGION_DESCRIPTION = (
    "Where the snake was seen: an ISO 3166-1 or 3166-2 code, in either case (`US`, `US-TX`, `MX-SON`, "
    "`BR`; `QS` Central or South America, `ZZ` elsewhere); empty is not said. Wins over a position"
)
POSITION_DESCRIPTION = (
    "Where the snake was seen, in degrees, with {other}: only the place it lies in is used, the position "
    "is never stored. Without a region or a position, the photo's own GPS (EXIF) is used where it has one"
)
REQUIRED_TOGETHER = {"dependentRequired": {"latitude": ["longitude"], "longitude": ["latitude"]}}


def coordinate_field(name: str) -> Any:
    """The `latitude` or `longitude` field, within its limits."""
    other = "longitude" if name == "latitude" else "latitude"
    limit = LIMITS[name]
    return Field(default=None, ge=-limit, le=limit, description=POSITION_DESCRIPTION.format(other=other))


class ClassifyRequest(BaseModel):
    """`POST /api/v1/classify` as JSON: the link to an image, and where the snake was seen (unknown fields
    are ignored)."""

    model_config = ConfigDict(strict=True, json_schema_extra=REQUIRED_TOGETHER)

    url: str = Field(
        min_length=1, json_schema_extra={"format": "uri"}, examples=["https://example.com/snake.jpg"]
    )
    region: str | None = Field(
        default=None, pattern=REGION_PATTERN, description=REGION_DESCRIPTION, examples=["US-TX"]
    )
    latitude: float | None = coordinate_field("latitude")
    longitude: float | None = coordinate_field("longitude")


class ClassProbability(BaseModel):
    label: ClassName
    probability: float = Field(ge=0, le=1)


class ModelInfo(BaseModel):
    name: str
    version: str


class PlaceInfo(BaseModel):
    """The place the answer is for."""

    code: str = Field(description="Its ISO 3166 code, e.g. `US-TX`", examples=["US-TX"])
    name: str = Field(
        description="The name, in the answer's Content-Language, of the range-table row that answers for "
        "the code (a state's own, else its country's); the code itself where the table has neither"
    )

    @classmethod
    def of(cls, code: str | None, language: str) -> "PlaceInfo | None":
        """The place named in `language` by the range-table row that answers for it; None for no place."""
        if code is None:
            return None
        row = place_for(code)
        return cls(code=code, name=row.name(language) if row else code)


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
    place: PlaceInfo | None = Field(
        description="Where the snake was seen, as the answer took it: the `region` asked, else the place "
        "of the `latitude` and `longitude`, else of the photo's GPS; null when none is known"
    )
    rule: Rule = Field(
        description="The thresholds the answer was decided by: `rhyme_holds` for a place where every coral "
        "snake keeps 'red touches yellow' (or none lives), else `strict`, as for an unknown place"
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

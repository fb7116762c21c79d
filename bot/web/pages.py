"""What people open in a browser: the photo page at `/`, the API docs at `/docs`, the OpenAPI JSON.

The page speaks the browser's language (Accept-Language) unless `?lang=` asks for another, and links to
itself in every language; it asks the API for its verdicts in the same language. Where the snake was seen
is a choice of places from the range table (model/ranges.csv), or the browser's location.
"""

import json
import re
from gettext import NullTranslations
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.feedback_replies import could_not_save, thanks, unknown_verdict, what_was_it
from bot.i18n import LANGUAGES, language_of_request, own_name, translations_for
from model.places import range_table

INDEX_HTML = Path(__file__).parent / "static" / "index.html"
INDEX_TEMPLATE = web.AppKey("index_template", str)
OPENAPI = web.AppKey("openapi", dict)
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def add_pages(app: web.Application, openapi: dict[str, Any]) -> None:
    app[OPENAPI] = openapi
    app[INDEX_TEMPLATE] = INDEX_HTML.read_text(encoding="utf-8")
    app.router.add_get("/", index)
    app.router.add_get("/openapi.json", openapi_json)
    app.router.add_get("/docs", docs)


async def index(request: web.Request) -> web.Response:
    """The page: choose, drop or link a photo and see the verdict."""
    language = language_of_request(request.query.get("lang"), request.headers.get("Accept-Language", ""))
    return web.Response(
        text=render_index(request.app[INDEX_TEMPLATE], language),
        content_type="text/html",
        headers={"Content-Language": language, "Vary": "Accept-Language"},
    )


def render_index(template: str, language: str) -> str:
    """The page's template with every `{{name}}` filled in `language`; a name without words is an error."""
    translations = translations_for(language)
    values = {
        **{name: escape(text) for name, text in _page_words(translations).items()},
        "lang": language,
        "language_switch": _language_switch(language),
        "region_options": _region_options(language, translations),
        "script_words": json.dumps(_script_words(translations), ensure_ascii=False).replace("<", "\\u003c"),
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _page_words(translations: NullTranslations) -> dict[str, str]:
    return {
        "lead": translations.gettext(
            "Is the banded snake in your photo a venomous coral snake or a harmless mimic? "
            "Choose or drop a photo, or paste a link."
        ),
        "choose_photo": translations.gettext("Choose a photo"),
        "or_drop_it": translations.gettext("or drop it here"),
        "image_link": translations.gettext("Image link"),
        "check_link": translations.gettext("Check link"),
        "needs_key": translations.gettext("This server needs an API key:"),
        "photo_you_sent": translations.gettext("The photo you sent"),
        "footer": translations.gettext(
            "A photo can fool any model: never handle a snake because of this answer. After a bite, call "
            "emergency services (911 in the US and Mexico). Also on Telegram."
        ),
        "api_documentation": translations.gettext("API documentation"),
        **_place_words(translations),
        **_feedback_words(translations),
        **_class_names(translations),
    }


def _place_words(translations: NullTranslations) -> dict[str, str]:
    """The question of where the snake was seen, above the photo: it can change the answer."""
    return {
        "where_did_you_see_it": translations.gettext("Where did you see it?"),
        "use_my_location": translations.gettext("Use my location"),
        "place_note": translations.gettext(
            "Only the state or country is used, never your exact position. Not said: the photo's own "
            "location, if it has one."
        ),
    }


def _region_options(language: str, translations: NullTranslations) -> str:
    """The choices of place: not said, the United States, Mexico and those of its states whose coral
    snakes differ from the rest of Mexico's, Central or South America, elsewhere, and the browser's
    location (hidden until the browser gives it)."""
    table = range_table()
    states = sorted(
        (place for code, place in table.items()
         if code.startswith("MX-") and place.coral_snakes != table["MX"].coral_snakes),
        key=lambda place: place.name(language),
    )  # fmt: skip

    def option(code: str) -> str:
        return f'<option value="{code}">{escape(table[code].name(language))}</option>'

    not_said = escape(translations.gettext("Not said"))
    mexican_states = escape(translations.gettext("Mexican states"))
    my_location = escape(translations.gettext("My location"))
    state_options = "".join(option(place.code) for place in states)
    return "".join(
        [
            f'<option value="">{not_said}</option>',
            option("US"),
            option("MX"),
            f'<optgroup label="{mexican_states}">{state_options}</optgroup>',
            option("QS"),
            option("ZZ"),
            f'<option value="here" id="region-here" hidden disabled>{my_location}</option>',
        ]
    )


def _feedback_words(translations: NullTranslations) -> dict[str, str]:
    """The question and buttons under a verdict; the class buttons are named by `_class_names`."""
    return {
        "was_this_right": translations.gettext("Was this right?"),
        "right": translations.gettext("Right"),
        "wrong": translations.gettext("Wrong"),
        "what_was_it": what_was_it(translations),
        "not_sure": translations.gettext("Not sure"),
        "feedback_note": translations.gettext(
            "Answering keeps a small copy of the photo, without metadata, with your answer to train better "
            "models."
        ),
    }


def _class_names(translations: NullTranslations) -> dict[str, str]:
    """What each class is called, by its label: in the probability table and on the feedback buttons."""
    return {
        "coral_snake": translations.gettext("Coral snake"),
        "kingsnake": translations.gettext("Harmless mimic"),
        "other_snake": translations.gettext("Other snake"),
        "no_snake": translations.gettext("No snake"),
    }


def _script_words(translations: NullTranslations) -> dict[str, object]:
    """The words the page's script shows: its status lines, the class names of the probability table and
    what answering the verdict says; the feedback API's own errors are English, so the page uses these."""
    return {
        "checking": translations.gettext("Checking…"),
        "failed": translations.gettext("Something went wrong."),
        "names": _class_names(translations),
        "seen_in": translations.gettext("For a snake seen in:"),
        "location": {
            "finding": translations.gettext("Finding your location…"),
            "failed": translations.gettext("Couldn't get your location."),
        },
        "feedback": {
            "saving": translations.gettext("Saving…"),
            "thanks": thanks(translations),
            "unknown": unknown_verdict(translations),
            "failed": could_not_save(translations),
        },
    }


def _language_switch(current: str) -> str:
    """A link to this page in each language, the current one marked."""
    links = " ".join(
        f'<a href="?lang={language}" hreflang="{language}" lang="{language}"'
        f' title="{escape(own_name(language))}"'
        + (' aria-current="true"' if language == current else "")
        + f">{language.upper()}</a>"
        for language in LANGUAGES
    )
    label = escape(translations_for(current).gettext("Language"))
    return f'<nav class="languages" aria-label="{label}">{links}</nav>'


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[OPENAPI])


async def docs(request: web.Request) -> web.Response:
    """The API docs, rendered on the server from the OpenAPI document (no scripts, no CDN)."""
    document = request.app[OPENAPI]
    sections = [
        _operation_html(path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    info = document["info"]
    body = (
        f"<h1>{escape(info['title'])} {escape(info['version'])}</h1><p>{escape(info['description'])}</p>"
        '<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. '
        'Try it: <a href="/">the photo page</a>.</p>' + "".join(sections)
    )
    return web.Response(text=_page(info["title"], body), content_type="text/html")


def _operation_html(path: str, method: str, operation: dict[str, Any]) -> str:
    request_types = ", ".join(operation.get("requestBody", {}).get("content", {}))
    rows = "".join(
        f"<tr><td><code>{status}</code></td><td>{escape(response['description'])}</td></tr>"
        for status, response in operation["responses"].items()
    )
    example = ""
    if request_types:
        example = (
            f"<pre>curl -F file=@snake.jpg http://HOST{path}\n"
            f"curl -H 'Content-Type: application/json' -d '{{\"url\": \"https://example.com/snake.jpg\"}}' "
            f"http://HOST{path}</pre>"
        )
    return (
        f"<section><h2><code>{method.upper()} {escape(path)}</code></h2>"
        f"<p>{escape(operation['summary'])}. {escape(operation.get('description', ''))}</p>"
        + (f"<p>Request body: <code>{escape(request_types)}</code></p>" if request_types else "")
        + f"{example}<table><tr><th>status</th><th>meaning</th></tr>{rows}</table></section>"
    )


def _page(title: str, body: str) -> str:
    style = (
        "body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem}"
        "pre{background:#f4f4f4;padding:.75rem;overflow-x:auto}table{border-collapse:collapse}"
        "td,th{border-top:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )

"""A fake Telegram Bot API server on loopback: the bot talks to it as to Telegram, tests play the users.

It speaks the few methods the bot uses (getMe, getUpdates, setWebhook, deleteWebhook, sendMessage,
sendChatAction, getFile and file downloads, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, setMyCommands, setMyDescription, setMyShortDescription) with the request and
response shapes of the real API, and records what the bot sent so tests can read the replies and their
keyboards, press their inline buttons and read the bot's answers to presses; users can send photos, files,
commands and locations. Faults can be asked for: 429s, stalled calls, calls
dropped as if Telegram were out of reach.
"""

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Coral Snake Check",
    "username": "coral_check_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
LONG_POLL_SECONDS = 0.5  # shorter than Telegram's, so the bot stops quickly in tests
FIELD_USER = {"id": 555, "is_bot": False, "first_name": "Field", "username": "field_user"}


@dataclass
class SentMessage:
    """A message the bot sent, as the fake received it."""

    chat_id: int
    text: str
    reply_to_message_id: int | None
    parse_mode: str | None
    message_id: int = 0
    reply_markup: dict[str, Any] | None = None
    """The inline keyboard, as the bot last set it (edits change it)."""

    @property
    def buttons(self) -> dict[str, str]:
        """The inline keyboard's buttons: text -> callback data."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return {button["text"]: button["callback_data"] for row in rows for button in row}

    def as_message(self) -> dict[str, Any]:
        """The message as the Bot API shows it to the bot (plain text; no entities in this fake)."""
        chat = {"id": self.chat_id, "type": "private" if self.chat_id > 0 else "supergroup", "title": "chat"}
        message = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": self.visible_text,
        }
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup  # the Bot API shows a message's inline keyboard only
        return message

    @property
    def keyboard(self) -> list[dict[str, Any]]:
        """The reply keyboard's buttons (under the typing field), as the bot sent them; [] when none."""
        return [button for row in (self.reply_markup or {}).get("keyboard", []) for button in row]

    @property
    def visible_text(self) -> str:
        """The text as Telegram shows it: HTML tags dropped and entities decoded."""
        if self.parse_mode != "HTML":
            return self.text
        return html.unescape(re.sub(r"<[^>]+>", "", self.text))


@dataclass
class FakeTelegram:
    token: str
    base: str = ""
    """The server's base URL, once a test serves `web_app()`."""
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    chat_actions: list[tuple[int, str]] = field(default_factory=list)
    webhook: dict[str, str] | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    profile: dict[tuple[str, str], Any] = field(default_factory=dict)
    """(setMyCommands | setMyDescription | setMyShortDescription, language_code) -> what the bot set."""
    edits: list[SentMessage] = field(default_factory=list)
    """Each text edit, as the edited message then read."""
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    """callback_query_id -> the bot's answerCallbackQuery parameters (text, show_alert)."""

    rate_limited: dict[str, list[int]] = field(default_factory=dict)
    """method -> retry_after seconds to answer its next calls with (a 429 each), in order."""
    stalled: dict[str, list[float]] = field(default_factory=dict)
    """method -> seconds to hang its next calls for before failing them unrecorded (a lost request)."""
    unreachable: dict[str, int] = field(default_factory=dict)
    """method -> how many of its next calls to drop without a word, as a network with no route does."""

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Condition()
        self._new_message = asyncio.Condition()

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        return app

    # Faults -------------------------------------------------------------------------------------------

    def answer_429(self, method: str, count: int, retry_after: int = 1) -> None:
        """Answer the next `count` calls of `method` with 429 Too Many Requests, as Telegram does."""
        self.rate_limited.setdefault(method, []).extend([retry_after] * count)

    def stall(self, method: str, count: int, seconds: float) -> None:
        """Hang the next `count` calls of `method` for `seconds`, then fail them without acting on them."""
        self.stalled.setdefault(method, []).extend([seconds] * count)

    def refuse(self, method: str, count: int) -> None:
        """Drop the connection of the next `count` calls of `method` unanswered; later calls are served."""
        self.unreachable[method] = self.unreachable.get(method, 0) + count

    # The users' side -------------------------------------------------------------------------------

    def add_file(self, data: bytes) -> str:
        """Store a file as if a user had uploaded it; returns its file_id."""
        file_id = f"file-{next(self._file_ids)}"
        self.files[file_id] = data
        return file_id

    def message(self, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        """A message from a user in `chat` with the given content (text, photo, document, ...)."""
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": FIELD_USER,
            **content,
        }

    def command_message(self, chat: dict[str, Any], command: str, **content: Any) -> dict[str, Any]:
        """A message that is a bot command such as /help, marked as Telegram marks it."""
        entity = {"type": "bot_command", "offset": 0, "length": len(command.split()[0])}
        return self.message(chat, text=command, entities=[entity], **content)

    def sized_photo_message(
        self, chat: dict[str, Any], sizes: list[tuple[int, int, bytes]], **content: Any
    ) -> dict[str, Any]:
        """A photo message with Telegram's ladder of sizes: (width, height, JPEG bytes), smallest first."""
        photo = []
        for width, height, data in sizes:
            file_id = self.add_file(data)
            photo.append(
                {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "width": width,
                    "height": height,
                    "file_size": len(data),
                }
            )
        return self.message(chat, photo=photo, **content)

    def photo_message(self, chat: dict[str, Any], data: bytes, **content: Any) -> dict[str, Any]:
        """A photo message: Telegram sends a few sizes; the bot should take the largest."""
        file_id = self.add_file(data)
        sizes = [
            {
                "file_id": f"{file_id}-thumb",
                "file_unique_id": "t",
                "width": 90,
                "height": 67,
                "file_size": 900,
            },
            {"file_id": file_id, "file_unique_id": "u", "width": 160, "height": 120, "file_size": len(data)},
        ]
        self.files[f"{file_id}-thumb"] = data
        return self.message(chat, photo=sizes, **content)

    def document_message(
        self, chat: dict[str, Any], data: bytes, file_name: str, mime_type: str, **content: Any
    ) -> dict[str, Any]:
        file_id = self.add_file(data)
        document = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        return self.message(chat, document=document, **content)

    def location_message(
        self, chat: dict[str, Any], latitude: float, longitude: float, **content: Any
    ) -> dict[str, Any]:
        """A location a user shares (the paper clip's Location, or a button that asks for it)."""
        return self.message(chat, location={"latitude": latitude, "longitude": longitude}, **content)

    def update_for(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), "message": message}

    def button_press(
        self, sent: SentMessage, button_text: str, user: dict[str, Any] = FIELD_USER, data: str | None = None
    ) -> dict[str, Any]:
        """An update: `user` presses the inline button labelled `button_text` under a message the bot sent
        (with `data` instead of the button's callback data, to play a client that sends other data)."""
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"callback-{next(self._callback_ids)}",
                "from": user,
                "message": sent.as_message(),
                "chat_instance": f"instance-{sent.chat_id}",
                "data": sent.buttons[button_text] if data is None else data,
            },
        }

    async def callback_answer(self, callback_query_id: str, timeout: float = 30) -> dict[str, Any]:
        """Wait for the bot's answerCallbackQuery to a button press."""
        return await self._wait_for(lambda: self.callback_answers.get(callback_query_id), timeout)

    async def queue_update(self, update: dict[str, Any]) -> None:
        """Hand an update to the bot through getUpdates (polling mode)."""
        async with self._new_update:
            self.updates.append(update)
            self._new_update.notify_all()

    async def replies_to(self, message_id: int, timeout: float = 30) -> SentMessage:
        """Wait for the bot's reply to a message."""
        return await self._wait_for(lambda: self._find_reply(message_id), timeout)

    async def message_number(self, index: int, timeout: float = 30) -> SentMessage:
        """Wait for the bot's message number `index` (from 0) in the order sent, quoting or not."""
        return await self._wait_for(lambda: self.sent[index] if len(self.sent) > index else None, timeout)

    def _find_reply(self, message_id: int) -> SentMessage | None:
        return next((sent for sent in self.sent if sent.reply_to_message_id == message_id), None)

    async def _wait_for(self, find, timeout: float):
        async with self._new_message:
            await asyncio.wait_for(self._new_message.wait_for(find), timeout)
            return find()

    # The bot's side ------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        if self.unreachable.get(method):
            self.unreachable[method] -= 1
            request.transport.abort()
            return web.Response(status=599)  # never reaches the bot: the connection is gone
        self.calls.append(method)
        params = await _parameters(request)
        if self.rate_limited.get(method):
            retry_after = self.rate_limited[method].pop(0)
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
                status=429,
            )
        if self.stalled.get(method):
            await asyncio.sleep(self.stalled[method].pop(0))
            return web.json_response(
                {"ok": False, "error_code": 504, "description": "Gateway Timeout"}, status=504
            )
        if method == "getFile" and params.get("file_id") not in self.files:  # a file that is gone
            description = "Bad Request: invalid file_id"
            return web.json_response({"ok": False, "error_code": 400, "description": description}, status=400)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.json_response({"ok": True, "result": await handler(params)})

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        async with self._new_update:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]
            if not self.updates:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), LONG_POLL_SECONDS)
            return list(self.updates)

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token", "")}
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self.chat_actions.append((int(params["chat_id"]), params["action"]))
        return True

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        reply = params.get("reply_parameters") or {}
        sent = SentMessage(
            chat_id=int(params["chat_id"]),
            text=params["text"],
            reply_to_message_id=reply.get("message_id"),
            parse_mode=params.get("parse_mode"),
            message_id=next(self._message_ids),
            reply_markup=params.get("reply_markup"),
        )
        await self._record(self.sent, sent)
        return sent.as_message()

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._sent_message(params)
        sent.text, sent.parse_mode = params["text"], params.get("parse_mode")
        sent.reply_markup = params.get("reply_markup")
        await self._record(self.edits, replace(sent))
        return sent.as_message()

    async def edited(self, message_id: int, timeout: float = 30) -> SentMessage:
        """Wait for the bot to edit its message `message_id`; the latest edit."""
        return await self._wait_for(
            lambda: next((edit for edit in self.edits[::-1] if edit.message_id == message_id), None), timeout
        )

    async def edit_after(self, message_id: int, already: int, timeout: float = 30) -> SentMessage:
        """Wait for an edit of message `message_id` among those after the first `already` edits."""
        return await self._wait_for(
            lambda: next((edit for edit in self.edits[already:] if edit.message_id == message_id), None),
            timeout,
        )

    async def _record(self, messages: list[SentMessage], sent: SentMessage) -> None:
        async with self._new_message:
            messages.append(sent)
            self._new_message.notify_all()

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._sent_message(params)
        sent.reply_markup = params.get("reply_markup")
        return sent.as_message()

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        async with self._new_message:
            self.callback_answers[params["callback_query_id"]] = params
            self._new_message.notify_all()
        return True

    def _sent_message(self, params: dict[str, Any]) -> SentMessage:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        return next(sent for sent in self.sent if (sent.chat_id, sent.message_id) == (chat_id, message_id))

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        self.profile["setMyCommands", params.get("language_code", "")] = params["commands"]
        return True

    async def _api_setMyDescription(self, params: dict[str, Any]) -> bool:
        self.profile["setMyDescription", params.get("language_code", "")] = params.get("description", "")
        return True

    async def _api_setMyShortDescription(self, params: dict[str, Any]) -> bool:
        self.profile["setMyShortDescription", params.get("language_code", "")] = params.get(
            "short_description", ""
        )
        return True

    async def _api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["file_id"]
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"photos/{file_id}.jpg",
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].removeprefix("photos/").removesuffix(".jpg")
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")


async def _parameters(request: web.Request) -> dict[str, Any]:
    """The call's parameters: python-telegram-bot posts form fields whose values are JSON-encoded."""
    if request.content_type == "application/json":
        return await request.json()
    form = await request.post()
    return {name: _json_or_text(value) for name, value in form.items() if isinstance(value, str)}


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value

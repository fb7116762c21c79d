"""What the handlers need besides Telegram, kept in `application.bot_data[SERVICES]`."""

from dataclasses import dataclass, field

from bot.feedback_service import FeedbackService
from bot.images import ImageFetcher
from bot.metrics import ObservedInference
from bot.telegram.albums import AlbumCollector
from bot.telegram.typing_status import ChatTyping

SERVICES = "services"


@dataclass(frozen=True)
class Services:
    inference: ObservedInference
    fetcher: ImageFetcher
    feedback: FeedbackService | None = None
    """None: no feedback buttons (e.g. tests of other things)."""
    admin_chat_ids: frozenset[int] = frozenset()
    """Chats where /stats answers."""
    albums: AlbumCollector = field(default_factory=AlbumCollector)
    """The albums whose photos are still arriving, and those answered already."""
    typing: ChatTyping = field(default_factory=ChatTyping)
    """The chats shown "typing" just now."""

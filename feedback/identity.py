"""Users are stored only as a keyed hash of their id: the database alone cannot name anyone."""

import hashlib
import hmac


def user_hash(secret: str, user_id: int | str) -> str:
    """HMAC-SHA256 of the user's id under `secret`, in hex."""
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()

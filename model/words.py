"""Marking the sentences a user may read where they are written, so `pybabel extract` finds them."""


def N_(message: str) -> str:
    """gettext_noop: `message` unchanged; whoever shows it to a user translates it then."""
    return message

"""The chat door: the python-telegram-bot Application, its handlers, replies, albums and buttons.

Uses what both doors share (settings, inference, i18n, images, the feedback service) from `bot`;
never the web door.
"""

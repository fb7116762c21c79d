"""The web door: the photo page, the JSON API and its OpenAPI document, and the feedback endpoint.

Uses what both doors share (settings, inference, i18n, images, the feedback service) from `bot`;
never the Telegram door.
"""

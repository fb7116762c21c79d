"""The Telegram bot and its web server: the front of the snake classifier."""

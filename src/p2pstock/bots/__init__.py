"""Frontends (Telegram bot, aiohttp web server). They call core services only: never adapters or SQL."""

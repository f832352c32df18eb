"""Compose: the site's pages per language, from rendered sources.

Owns page composition with fallbacks and translation states (pages, translations), the short
codes' QR symbols (qr) and the contribution calculator's figures (calculator).

May import: render, sources and the base modules.
"""

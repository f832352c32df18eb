"""Render: Markdown and infographic blocks to safe HTML.

Owns the one renderer that pages, sheets and cards share (renderer), the allowlist sanitizer every
citizen-facing fragment passes through (sanitize), infographic blocks, and site-relative URLs.

May import: sources and the base modules.
"""

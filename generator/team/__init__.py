"""Team: tools for the communication team around the build.

Owns the live preview (preview), scan statistics from access logs (stats) and the translators'
spreadsheet route (translation_sheets).

May import: the runner (build, editions, manifest) and every stage below it. Nothing imports team
but the command line.
"""

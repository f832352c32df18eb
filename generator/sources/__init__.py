"""Sources: reading and checking what communicators write.

Owns the project's files as typed, validated objects: YAML without surprises (yamlfile), the
schemas and their Vietnamese `path:line` messages, pages and site settings (content), figures with
their legal basis (policy), languages and their catalogues, communes and campaigns, the communes' activity records, the QR lock
(shortlinks) and the print marks inside Markdown.

May import: the base modules at the package's top (problems, cache, assets, textfold). Nothing
that renders, composes, prints or publishes.
"""

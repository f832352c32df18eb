"""Team: tools for the communication team around the build.

Owns the live preview (preview), scan statistics from access logs (stats), the translators'
spreadsheet route (translation_sheets), the communes' activity sheets (activity_sheets), the
yearly outreach report (yearly_report), and the names the command line's help shows of them (places).

May import: the runner (build, editions, manifest) and every stage below it. Nothing imports team
but the command line.
"""

"""Where the team's tools write and which formats they offer: names the command line's help shows.

Kept apart, importing nothing, so `outreach --help` shows them without loading the tools (the
stages, pydantic, Jinja): each tool reads its own names from here.
"""

EXPORT_FOLDER = "ban-dich"  # translation sheets, in the project, ignored by git: sheets carry drafts, not content
TEMPLATE_FOLDER = "phieu-hoat-dong"  # activity sheets, in the project, ignored by git: sheets on their way, not records
STATS_PAGE = "noi-bo/thong-ke/index.html"  # in the team area, beside noi-bo/ban-dich/
REPORT_FOLDER = "noi-bo/bao-cao"  # in the team area, beside noi-bo/thong-ke/ and noi-bo/ban-dich/
QA_FORMATS = ("zalo", "json", "csv")  # `outreach export hoi-dap --format`

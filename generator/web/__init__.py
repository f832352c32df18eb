"""Web: the published website.

Owns the website's data apart from MkDocs (website), the MkDocs build and its plugin (publisher,
mkdocs_plugin), everything known of Material's internals (material), the web app's files and
service worker (webapp), the short codes' redirect pages (redirects) and the web server's
configuration (server).

May import: paper (for cards and sheets it links), compose, render, sources and the base modules.
Never team.
"""

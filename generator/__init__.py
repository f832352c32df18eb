"""BHXH outreach: a static site generator for social-insurance outreach materials.

The folders are the pipeline's stages, each importing only the ones below it
(tests/test_structure.py holds the directions):

    sources  -> read and check what communicators write (pages, figures, communes, the QR lock, activity records)
    render   -> Markdown and infographics to safe HTML
    compose  -> pages per language, QR codes, the calculator
    paper    -> sheets (PDF) and cards (PNG)
    web      -> the MkDocs website, Material, the web app, redirects
    team     -> preview, statistics, translators' sheets, activity sheets, the yearly report

At the top: the base every stage may use (problems, cache, output, assets, textfold), and the runner
above every stage (project, build, editions, manifest, print_register), then the command line (cli, cli_language, launch).
"""

"""BHXH outreach: a static site generator for social-insurance outreach materials.

Stages, one module each: content (reading, validation), policy (figures),
languages (catalogues), pages (per-language composition and fallbacks),
publisher (the MkDocs website), manifest, build (runs them in order), cli.
"""

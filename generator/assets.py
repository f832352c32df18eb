"""Where the package's own files live: templates, styles, fonts, icons, catalogues, web-app files.

A base module: it imports nothing of the package, and every stage may import it. Keeping the
folders in one place lets a stage's module move without its files' paths changing.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STYLES_DIR = PACKAGE_DIR / "styles"
FONTS_DIR = PACKAGE_DIR / "fonts"
ICONS_DIR = PACKAGE_DIR / "icons"
PROFILES_DIR = PACKAGE_DIR / "icc"  # colour profiles for the print shop's output intent
CATALOGUE_DIR = PACKAGE_DIR / "i18n"
WEBAPP_DIR = PACKAGE_DIR / "webapp"

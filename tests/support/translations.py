"""The real zh_CN catalog for the tests that read Chinese pages (most tests read English msgids:
tests/conftest.py points BABEL_TRANSLATION_DIRECTORIES nowhere)."""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from training.extensions import babel

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = ROOT / "training" / "translations"
DEFAULT_LOCALE = "zh_CN"  # BABEL_DEFAULT_LOCALE in training/config.py
CATALOG_FOLDER = str(Locale.parse(DEFAULT_LOCALE))  # the folder Flask-Babel reads: zh_Hans_CN
PO = TRANSLATIONS / CATALOG_FOLDER / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def load_catalog(path: Path = PO):
    with path.open("rb") as handle:
        return read_po(handle, locale=DEFAULT_LOCALE)


def compiled_translations(tmp_path_factory) -> str:
    """BABEL_TRANSLATION_DIRECTORIES for the compiled catalog: training/translations when its
    .mo is current, else a temporary copy compiled from the .po."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return "translations"  # relative to the package, as in production
    folder = tmp_path_factory.mktemp("translations")
    target = folder / CATALOG_FOLDER / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, load_catalog())
    return str(folder)


def forget_loaded_catalogs() -> None:
    """Flask-Babel caches loaded catalogs on the Babel object (training.extensions.babel), which
    every app of this process shares, keyed by locale alone, not by translation directory: an
    earlier test's app would have cached "no catalog" for zh_CN, and a translated app would
    poison later tests with Chinese. Drop the cache (a werkzeug cached_property) before and after."""
    vars(babel).pop("domain_instance", None)

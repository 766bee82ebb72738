"""Which importers exist. Each app declares its importers in its `resources.py` with
`@registry.register`; the registry imports every installed app's `resources` module the first
time it is asked, so nothing needs to be wired up in AppConfig.ready()."""

from typing import TypeVar

from django.utils.module_loading import autodiscover_modules

from .base import Importer

ImporterClass = TypeVar("ImporterClass", bound=type[Importer])

_importers: dict[str, type[Importer]] = {}
_discovered = False


def register(importer: ImporterClass) -> ImporterClass:
    """Register an importer class under its `kind` (usable as a class decorator)."""
    existing = _importers.get(importer.kind)
    if existing is not None and existing is not importer:
        raise ValueError(f"import kind {importer.kind!r} is already registered by {existing!r}")
    _importers[importer.kind] = importer
    return importer


def get(kind: str) -> type[Importer] | None:
    """The importer for `kind`, or None when there is none."""
    _discover()
    return _importers.get(kind)


def all_importers() -> list[type[Importer]]:
    _discover()
    return list(_importers.values())


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("resources")
        _discovered = True

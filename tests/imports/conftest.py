import pytest

from imports import registry
from imports.parsing import read_table
from imports.services import import_run


@pytest.fixture
def run_import(db):
    """Read `data` and import it as `user` (None: the operator at the command line)."""

    def run(data: bytes, *, user=None, dry_run=False, kind="federations"):
        importer = registry.get(kind)
        table = read_table(data, columns=importer.columns)
        return import_run(importer=importer(), table=table, user=user, dry_run=dry_run)

    return run


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT

"""Running an import: the one path the command line and the browser share."""

from django.db import transaction

from .base import Importer, Result
from .parsing import Table


def import_run(*, importer: Importer, table: Table, user, dry_run: bool) -> Result:
    """Validate `table` and, unless `dry_run` or any row has an error, write it.

    Validation and writing happen in one transaction, so what was checked is what is written.
    `user=None` acts as the operator (full scope)."""
    with transaction.atomic():
        plan = importer.validate(table, user=user)
        if dry_run or plan.errors:
            return Result.from_plan(plan, written=False)
        return importer.apply(plan, user=user)

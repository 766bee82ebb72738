"""An index for the enterprise list's default order (name, then id).

Without it the first page of the list sorts every enterprise in scope: 56 ms for the 60,000 of the
district root (top-N heapsort after a hash join), which it now reads in index order instead.

Created with SQL and without a change to the migration state, because models.py was outside what
this change could touch. To declare it in `Enterprise.Meta.indexes` later
(`models.Index(fields=["name", "id"], name="enterprise_name")`), wrap this operation in
`migrations.SeparateDatabaseAndState(database_operations=[...], state_operations=[AddIndex(...)])`
so that makemigrations sees it and the index is not created twice. See benchmarks/README.md.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql='CREATE INDEX IF NOT EXISTS "enterprise_name" ON "membership_enterprise" ("name", "id")',
            reverse_sql='DROP INDEX IF EXISTS "enterprise_name"',
        ),
    ]

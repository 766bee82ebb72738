"""Enterprise.members_open: the count of open memberships, kept by the services (see
membership/services.py, `enterprises_resync_member_counts`); filled here from the memberships."""

from django.db import migrations, models

FILL = """
UPDATE membership_enterprise e SET members_open = c.n
FROM (SELECT enterprise_id, count(*) AS n FROM membership_membership
      WHERE left_on IS NULL GROUP BY enterprise_id) c
WHERE e.id = c.enterprise_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0002_enterprise_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="members_open",
            field=models.PositiveIntegerField(
                db_default=0, default=0, editable=False, verbose_name="在会会员数"
            ),
        ),
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop),
    ]

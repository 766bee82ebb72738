"""The eight aid programmes with the rules of the issue (the district office edits them later)."""

from decimal import Decimal

from django.db import migrations

# code, name, grants per person per year (None: no limit), per student, largest amount per grant
# (cash plus goods, None: no cap), active hardship file required, model worker required
PROGRAMS = [
    ("winter_warmth", "两节送温暖", 1, False, Decimal("2000"), False, False),
    ("summer_cooling", "夏季送清凉", 1, False, Decimal("500"), False, False),
    ("study_aid", "金秋助学", 1, True, Decimal("10000"), True, False),
    ("emergency", "应急救助", None, False, Decimal("10000"), True, False),
    ("serious_illness", "大病救助", 1, False, Decimal("30000"), True, False),
    ("model_worker", "劳模慰问", 1, False, Decimal("2000"), False, True),
    ("womens_day", "三八节慰问", 1, False, Decimal("500"), False, False),
    ("other", "其他", None, False, None, False, False),
]


def create(apps, schema_editor):
    AidProgram = apps.get_model("assistance", "AidProgram")
    for code, name, per_year, per_student, cap, needs_file, needs_model in PROGRAMS:
        AidProgram.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "grants_per_year": per_year,
                "per_student": per_student,
                "max_amount": cap,
                "requires_active_file": needs_file,
                "requires_model_worker": needs_model,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

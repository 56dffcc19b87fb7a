"""A version on reviews and evaluations, so a save from a page opened before another save is refused.

On SQLite adding a column rebuilds the table, which the closed-review triggers of 0002/0005 (they read
committee_review) do not survive: they are dropped first and created again after, as 0005 left them.
"""

import importlib

from django.db import migrations, models

guards = importlib.import_module("committee.migrations.0005_closed_review_guard_new_columns")
guard = importlib.import_module("committee.migrations.0002_closed_review_guard")


def drop_guards(apps, schema_editor):
    guard.drop_guards(apps, schema_editor, guards.GUARDS)


def create_guards(apps, schema_editor):
    guard.create_guards(apps, schema_editor, guards.GUARDS)


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0010_english_names"),
    ]

    operations = [
        migrations.RunPython(drop_guards, create_guards),
        migrations.AddField(
            model_name="evaluation",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="保存のたびに1つ増え、古い画面からの保存を見分けます。",
                verbose_name="版（同時編集の確認用）",
            ),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="保存のたびに1つ増え、古い画面からの保存を見分けます。",
                verbose_name="版（同時編集の確認用）",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="保存のたびに1つ増え、古い画面からの保存を見分けます。",
                verbose_name="版（同時編集の確認用）",
            ),
        ),
        migrations.RunPython(create_guards, drop_guards),
    ]

"""The closed-review triggers of migration 0002, recreated with the columns that 0004 added to comments.

A withdrawn or hidden remark of a closed review is refused like any other change to it. Comment.hidden_by_id is
left out for the same reason as author_id: deleting a user account (on_delete=SET_NULL) still works.
"""

import importlib

from django.db import migrations

guard = importlib.import_module("committee.migrations.0002_closed_review_guard")

COMMENT_COLUMNS = (*guard.COMMENT_COLUMNS, "withdrawn_at", "hidden_at", "hidden_reason")
GUARDS = tuple(
    (table, closed, COMMENT_COLUMNS if table == "committee_comment" else columns)
    for table, closed, columns in guard.GUARDS
)


def _recreate(guards):
    def run(apps, schema_editor):
        guard.drop_guards(apps, schema_editor, guards)
        guard.create_guards(apps, schema_editor, guards)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0004_comment_withdrawal_hiding_history"),
    ]

    operations = [
        migrations.RunPython(_recreate(GUARDS), _recreate(guard.GUARDS)),
    ]

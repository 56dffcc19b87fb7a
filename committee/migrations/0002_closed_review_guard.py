"""Database triggers that refuse to change a closed review or the evaluations and comments under it.

The services and the admin already refuse; these triggers catch what bypasses them (QuerySet.update(),
a shell session, a changed fixture). Only UPDATEs that change a value are refused, so loading the
reference data again (which rewrites every row with the same values) still works. INSERT and DELETE are
not guarded here: the reference data inserts a closed review's evaluations after the review, and test
databases on SQLite are flushed with DELETE.

SQLite and PostgreSQL get the same rule in their own dialect; other databases get no trigger.
"""

from django.db import migrations

MESSAGE = "締め切った検証は変更できません"

# The columns whose change is refused. Comment.author_id is left out so that deleting a user account
# (on_delete=SET_NULL) still works; add new columns here when a field is added to these models.
REVIEW_COLUMNS = ("id", "committee_id", "plan_id", "fiscal_year", "status", "opened_on", "closed_on", "meeting_id", "note")
EVALUATION_COLUMNS = ("id", "review_id", "policy_id", "direction_text", "issues_text", "committee_opinion", "rating")
COMMENT_COLUMNS = ("id", "uid", "review_id", "indicator_id", "body", "created_at")

REVIEW_IS_CLOSED = "OLD.status = 'closed'"
PARENT_IS_CLOSED = (
    "EXISTS (SELECT 1 FROM committee_review WHERE id IN (OLD.review_id, NEW.review_id) AND status = 'closed')"
)
GUARDS = (
    ("committee_review", REVIEW_IS_CLOSED, REVIEW_COLUMNS),
    ("committee_evaluation", PARENT_IS_CLOSED, EVALUATION_COLUMNS),
    ("committee_comment", PARENT_IS_CLOSED, COMMENT_COLUMNS),
)


def _name(table):
    return f"{table}_closed_review_read_only"


def _sqlite_sql(table, closed, columns):
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in columns)
    return (
        f"CREATE TRIGGER {_name(table)} BEFORE UPDATE ON {table} FOR EACH ROW "
        f"WHEN {closed} AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}（{table}）'); END"
    )


def _postgresql_sql(table, closed, columns):
    new = ", ".join(f"NEW.{column}" for column in columns)
    old = ", ".join(f"OLD.{column}" for column in columns)
    return [
        f"""
        CREATE OR REPLACE FUNCTION {_name(table)}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {closed} AND ROW({new}) IS DISTINCT FROM ROW({old}) THEN
                RAISE EXCEPTION '{MESSAGE}（{table}）' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END;
        $$
        """,
        f"CREATE TRIGGER {_name(table)} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {_name(table)}()",
    ]


def create_guards(apps, schema_editor, guards=GUARDS):
    vendor = schema_editor.connection.vendor
    for table, closed, columns in guards:
        if vendor == "sqlite":
            schema_editor.execute(_sqlite_sql(table, closed, columns), params=None)
        elif vendor == "postgresql":
            for statement in _postgresql_sql(table, closed, columns):
                schema_editor.execute(statement, params=None)


def drop_guards(apps, schema_editor, guards=GUARDS):
    vendor = schema_editor.connection.vendor
    for table, _closed, _columns in guards:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table)}", params=None)
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table)} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {_name(table)}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("committee", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_guards, drop_guards),
    ]

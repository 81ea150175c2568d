"""Make the audit table append-only in the database itself, not only in the ORM.

UPDATE and DELETE (and TRUNCATE on PostgreSQL) on audit_auditevent are refused by triggers, so a
bug or a careless query cannot rewrite history; tampering needs the triggers dropped first, and
the hash chain (``enlace audit verify``) then shows where.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from enlace.audit import triggers

    triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    from enlace.audit import triggers

    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

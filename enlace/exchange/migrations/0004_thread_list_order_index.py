# The inbox and the threads API walk their ordering (``-sent_at, -created_at, -pk``) and stop at a
# page instead of sorting every visible thread (issue 17). An index of the database only (no model
# state change): the order itself is ``Thread.Meta.ordering`` and the views' ``order_by``.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0003_idempotency_forward_mla"),
    ]

    operations = [
        migrations.RunSQL(
            'CREATE INDEX IF NOT EXISTS "exchange_thread_list_order" ON "exchange_thread" '
            '("sent_at" DESC, "created_at" DESC, "id" DESC)',
            'DROP INDEX IF EXISTS "exchange_thread_list_order"'),
    ]

"""One trigram GIN index on the folded search text of an entity (``cases/search.py``), replacing the
six per-column trigram indexes of migration 0002 on ``cases_entity`` (issue 17).

PostgreSQL only (SQLite scans, as before). Built ``CONCURRENTLY``: officials keep reading and
writing entities while it builds (at 6.55 M entities it takes minutes: see ``bench/volume/RESULTS.md``),
hence a non-atomic migration. A build interrupted earlier leaves an invalid index: it is dropped and
built again. ``ANALYZE`` gives the planner statistics on the new expression (without them it guesses
the selectivity of a word).

The expression is written out here (a migration must not change when the code does); it must stay
the one ``EntitySearchText`` compiles to, or the planner cannot use the index — a test on PostgreSQL
asks EXPLAIN (``tests/test_entity_search_text.py``).
"""

from django.db import migrations

ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüý"
BASE = "AAAAAACEEEEIIIINOOOOOUUUUYAAAAAACEEEEIIIINOOOOOUUUUY"
NAME = "cases_entity_search_trgm"
EXPRESSION = ("""TRANSLATE(UPPER("given_names" || ' ' || "surname_1" || ' ' || "surname_2" || ' ' || "name" """
              f"""|| ' ' || "doc_number" || ' ' || ("phones")::text), '{ACCENTED}', '{BASE}')""")
OLD = ["given_names", "surname_1", "surname_2", "name", "doc_number", "phones"]


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE c.relname = %s", [NAME])
        row = cur.fetchone()
    if row and row[0]:
        run(f'DROP INDEX CONCURRENTLY IF EXISTS "{NAME}"')
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    run(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{NAME}" ON "cases_entity" USING gin (({EXPRESSION}) gin_trgm_ops)')
    for col in OLD:
        run(f'DROP INDEX CONCURRENTLY IF EXISTS "cases_entity_{col}_trgm"')
    run('ANALYZE "cases_entity"')


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for col in OLD:
        schema_editor.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "cases_entity_{col}_trgm" ON "cases_entity" '
                              f'USING gin ((UPPER("{col}"::text)) gin_trgm_ops)')
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{NAME}"')


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("cases", "0002_list_indexes_and_trigram_search"),
    ]

    operations = [
        migrations.RunPython(_create, _drop, elidable=False),
    ]

"""The folded search text of an entity (``cases/search.py``) as a stored generated column with one
trigram GIN index, replacing the six per-column trigram indexes of migration 0002 (issue 17).

PostgreSQL only: SQLite (the embedded demo) folds the columns on the fly (``search.py``). The column
is stored, not an index on the expression: PostgreSQL rechecks every candidate row of a trigram
scan, and recomputing ``TRANSLATE`` for 16 000 candidates of «María García» cost ~750 ms at 1 M
cases; reading the stored text costs nothing. It is not a model field: PostgreSQL computes it on
every write (imports, ``COPY`` and all), no action has to keep it.

Operators: adding a stored column rewrites ``cases_entity`` under an exclusive lock (entities can be
neither read nor written meanwhile, and writes to tables that reference them wait); the index is
then built ``CONCURRENTLY`` (reads and writes go on), hence a non-atomic migration. At 6.55 M
entities (1 M cases, 2 shared cores, load 6–8): 5 min 53 s in all — 3 min 12 s locked for the
rewrite, 2 min 32 s building the index (``bench/search/RESULTS.md``). Plan a maintenance window.
A build interrupted earlier leaves an invalid index: it is dropped and built again. ``ANALYZE``
gives the planner statistics on the new column.

The expression is written out here (a migration must not change when the code does); ``fold`` in
``search.py`` folds the searched words the same way (tests compare both on PostgreSQL).
"""

from django.db import migrations

ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüý"
BASE = "AAAAAACEEEEIIIINOOOOOUUUUYAAAAAACEEEEIIIINOOOOOUUUUY"
NAME = "cases_entity_search_trgm"
COLUMN = "search_text"
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
    run(f'ALTER TABLE "cases_entity" ADD COLUMN IF NOT EXISTS "{COLUMN}" text GENERATED ALWAYS AS ({EXPRESSION}) STORED')
    run(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{NAME}" ON "cases_entity" USING gin ("{COLUMN}" gin_trgm_ops)')
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
    schema_editor.execute(f'ALTER TABLE "cases_entity" DROP COLUMN IF EXISTS "{COLUMN}"')


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("cases", "0002_list_indexes_and_trigram_search"),
    ]

    operations = [
        migrations.RunPython(_create, _drop, elidable=False),
    ]

"""The one search text of an entity: its six searched columns, upper-cased and accent-folded.

Person search (``filters.EntityFilter``) asks each word against this one text instead of an OR over
six columns: on PostgreSQL a stored generated column ``search_text`` with one trigram GIN index
(``cases_entity_search_trgm``, migration 0003), where six per-column indexes made PostgreSQL intersect
twelve big bitmaps for two common words (issue 17: «María García» at 1 M cases).

The columns are joined by spaces and a searched word never holds a space, so a word matches the
joined text exactly when it matches one of the columns, as before. Folding: the Latin-1 letters with
an accent (and ``ñ``/``ç``) become their base letter on both sides, so «María» finds «MARIA»,
«María» and «MARÍA», and «Pena» finds «Peña» — names typed without accents (or copied from a
passport's machine-readable zone, where «Ñ» is «N») are found.

PostgreSQL: the column is ``TRANSLATE(UPPER(…), accented, base)`` computed by the database on every
write (not a model field: migration 0003 adds it). SQLite (the embedded demo, which scans): ``fold``
itself over the six columns, registered as a function on the connection.
"""

from __future__ import annotations

from django.db.models import F, Func, TextField

# Latin-1 letters with a diacritic (upper and lower case) and their base letter; not ÿ (its upper case
# is outside Latin-1, so PostgreSQL's UPPER would move it out of the table first).
ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüý"
BASE = "AAAAAACEEEEIIIINOOOOOUUUUYAAAAAACEEEEIIIINOOOOOUUUUY"
assert len(ACCENTED) == len(BASE)
_TABLE = str.maketrans(ACCENTED, BASE)

# The searched columns, in the order of the index expression (migration 0003 writes the same SQL).
COLUMNS = ("given_names", "surname_1", "surname_2", "name", "doc_number", "phones")
INDEX_NAME = "cases_entity_search_trgm"
COLUMN = "search_text"  # PostgreSQL only (migration 0003)


def fold(word: str) -> str:
    """A searched word (or, on SQLite, the joined text) as the PostgreSQL expression folds it: every
    letter whose upper case is one letter upper-cased (as ``UPPER``: Python's ``"ß".upper()`` is
    ``"SS"``, PostgreSQL keeps ``ß``), then the accented letters replaced by their base letter."""
    word = "".join(u if len(u := ch.upper()) == 1 else ch for ch in word)
    return word.translate(_TABLE)


class EntitySearchText(Func):
    """``given_names ␣ surname_1 ␣ surname_2 ␣ name ␣ doc_number ␣ phones`` folded (see the module)."""

    output_field = TextField()
    arg_joiner = " || ' ' || "

    def __init__(self):
        super().__init__(*(F(c) for c in COLUMNS))

    def as_postgresql(self, compiler, connection, **extra):
        # The stored column of migration 0003, on the same table alias as the entity's other columns.
        alias = self.get_source_expressions()[0].alias
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(COLUMN)}", []

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite has no TRANSLATE, and 52 nested REPLACEs overflow its parser: the same Python ``fold``
        # as the query words, registered on this connection (deterministic: the same text always folds the same).
        sql, params = self._joined(compiler, connection)
        connection.ensure_connection()
        connection.connection.create_function("enlace_search_fold", 1, _fold_or_none, deterministic=True)
        return f"enlace_search_fold({sql})", params

    def as_sql(self, compiler, connection, **extra):  # another backend: compare unfolded, upper-cased
        sql, params = self._joined(compiler, connection)
        return f"UPPER({sql})", params

    def _joined(self, compiler, connection):
        parts, params = [], []
        for expr in self.get_source_expressions():
            sql, p = compiler.compile(expr)
            parts.append(sql)
            params.extend(p)
        return self.arg_joiner.join(parts), params


def _fold_or_none(text):
    return None if text is None else fold(text)

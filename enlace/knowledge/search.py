"""Full-text search over the plan and the recommendations.

* PostgreSQL: ``to_tsvector('spanish', unaccent(text))`` against an OR of
  ``plainto_tsquery('spanish', unaccent(term))``, ranked by how many query terms a text holds and
  then by ``ts_rank``.
* SQLite (the embedded default): an FTS5 table (``unicode61 remove_diacritics 2``) holding the
  texts already folded and stemmed in Python with the Snowball Spanish stemmer; queries are folded
  and stemmed the same way, ranked by coverage and then ``bm25``.

Both are accent- and case-insensitive and stem Spanish, so "entrega vigilada", "ENTREGAS
VIGILADAS" and "entregas vigiladas" find the same texts. Snippets are highlighted in Python for
both backends (the text is escaped first, then matches are wrapped in ``<mark>``).
"""

from __future__ import annotations

import re
import threading
import unicodedata

import snowballstemmer
from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

FTS_TABLE = "knowledge_fts"
WORD_RE = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
SUPERSCRIPT_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")

# Snowball's Spanish stop words (folded): never worth matching on their own.
STOPWORDS = set("""
de la que el en y a los del se las por un para con no una su al lo como mas pero sus le ya o este si porque
esta entre cuando muy sin sobre tambien me hasta hay donde quien desde todo nos durante todos uno les ni
contra otros ese eso ante ellos e esto mi antes algunos que unos yo otro otras otra el tanto esa estos mucho
quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tu te ti tu tus ellas nosotras
vosotros vosotras os mio mia mios mias tuyo tuya tuyos tuyas suyo suya suyos suyas nuestro nuestra nuestros
nuestras vuestro vuestra vuestros vuestras esos esas estoy estas esta estamos estan es son fue ser ha han
sea sean cada asi u
""".split())


def fold(text: str) -> str:
    """Lower-case, without diacritics (ñ → n, á → a), without footnote markers."""
    text = SUPERSCRIPT_RE.sub(" ", text or "")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# A Snowball stemmer keeps the word being stemmed in its own attributes, so one instance shared by
# the threads of a server mixes their words (wrong stems, and IndexErrors that became 500s).
# Each thread gets its own.
_local = threading.local()


def _stemmer():
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("spanish")
    return stemmer


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Folded, stemmed words of a text (stop words dropped unless asked)."""
    out = []
    for w in WORD_RE.findall(fold(text)):
        if not keep_stopwords and w in STOPWORDS:
            continue
        out.append(stem(w))
    return out


def query_terms(q: str) -> list[str]:
    seen = []
    for t in terms(q):
        if t and t not in seen:
            seen.append(t)
    return seen[:12]


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- index maintenance (SQLite FTS5) -------------------------------------------------------------


def create_fts_table(schema_editor=None) -> None:
    conn = schema_editor.connection if schema_editor is not None else connection
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cur:
        cur.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                    "body, tokenize = 'unicode61 remove_diacritics 2')")


def rebuild_index() -> int:
    """Re-fill the SQLite FTS5 table from ``SearchEntry`` (PostgreSQL searches the rows directly)."""
    from .models import SearchEntry

    if connection.vendor != "sqlite":
        return SearchEntry.objects.count()
    create_fts_table()
    rows = [(e.pk, " ".join(terms(f"{e.title} {e.text}"))) for e in SearchEntry.objects.all()]
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {FTS_TABLE}")
        cur.executemany(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (%s, %s)", rows)
    return len(rows)


# --- querying ----------------------------------------------------------------------------------


def ranked_ids(q: str, candidate_ids=None) -> list[int]:
    """SearchEntry ids matching at least one query term, best first."""
    qterms = query_terms(q)
    if not qterms:
        return []
    if is_postgresql():
        words = _pg_words(q, qterms)
        pieces = " || ".join(["plainto_tsquery('spanish', unaccent(%s))"] * len(words))
        cover = " + ".join(["(CASE WHEN v @@ plainto_tsquery('spanish', unaccent(%s)) THEN 1 ELSE 0 END)"]
                           * len(words))
        sql = (f"SELECT id FROM (SELECT id, to_tsvector('spanish', unaccent(title || ' ' || text)) AS v "
               f"FROM knowledge_searchentry) s WHERE v @@ ({pieces}) "
               f"ORDER BY ({cover}) DESC, ts_rank(v, ({pieces})) DESC, id")
        params = words + words + words
    else:
        match = " OR ".join(f'"{t}"' for t in qterms)
        with connection.cursor() as cur:
            cur.execute(f"SELECT rowid, body, bm25({FTS_TABLE}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
            rows = cur.fetchall()
        # Coverage (how many query terms a text holds) first, then BM25 (lower is better in FTS5).
        rows.sort(key=lambda r: (-len(set(qterms) & set(r[1].split())), r[2], r[0]))
        ids = [r[0] for r in rows]
    if is_postgresql():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            ids = [row[0] for row in cur.fetchall()]
    if candidate_ids is not None:
        allowed = set(candidate_ids)
        ids = [i for i in ids if i in allowed]
    return ids


def _pg_words(q: str, qterms: list[str]) -> list[str]:
    """One original (unstemmed) word per query term, for PostgreSQL to fold and stem itself."""
    words = []
    seen = set()
    for w in WORD_RE.findall(q):
        f = fold(w)
        if f in STOPWORDS:
            continue
        t = stem(f)
        if t in qterms and t not in seen:
            seen.add(t)
            words.append(w)
    return words or qterms


def highlight(text: str, q: str, *, words: int = 40) -> str:
    """An escaped excerpt of ``text`` around the first match, matches wrapped in ``<mark>``."""
    qterms = set(query_terms(q))
    tokens = re.split(r"(\W+)", text or "")
    hits = [i for i, tok in enumerate(tokens) if tok and WORD_RE.fullmatch(tok) and stem(fold(tok)) in qterms]
    word_idx = [i for i, tok in enumerate(tokens) if tok and not re.fullmatch(r"\W+", tok)]
    if len(word_idx) > words:
        first = hits[0] if hits else 0
        pos = max(0, word_idx.index(first) - words // 4) if first in word_idx else 0
        start, end = word_idx[pos], word_idx[min(len(word_idx) - 1, pos + words)] + 1
    else:
        start, end = 0, len(tokens)
    out = ["… " if start > 0 else ""]
    hitset = set(hits)
    for i in range(start, end):
        piece = escape(tokens[i])
        out.append(f"<mark>{piece}</mark>" if i in hitset else piece)
    if end < len(tokens):
        out.append(" …")
    return mark_safe("".join(out))

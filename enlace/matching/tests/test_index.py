"""The deployment's one matching index (database tables): same answers as the in-memory index and
the batch, shared by every process, current at once, constant queries per check."""

import csv
import importlib.util
import math
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enlace.matching.engine.online import OnlineIndex
from enlace.matching.index import DatabaseIndex
from enlace.matching.index_models import IndexCount, IndexKey

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
N_RECORDS = 600


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("enlace_bench_generate", ROOT / "bench" / "linkage" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path_factory.mktemp("index") / "records.csv"
    rec, _truth = gen.write(str(path), N_RECORDS, seed=23)
    with open(rec, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _all_pairs(index, records):
    out = {}
    for rec in records:
        for other, p, explanation in index.match(rec):
            out[(rec["record_id"], other)] = (p, explanation)
    return out


def test_database_index_agrees_exactly_with_the_in_memory_index(records):
    memory = OnlineIndex(records)
    db = DatabaseIndex()
    assert db.rebuild(records) == len(memory) == N_RECORDS
    assert len(db) == N_RECORDS
    expected, got = _all_pairs(memory, records), _all_pairs(db, records)
    assert expected, "the generator produces matches"
    assert set(got) == set(expected)
    for key, (p, explanation) in expected.items():
        assert math.isclose(got[key][0], p, rel_tol=1e-12), key
        assert got[key][1] == explanation


def test_add_remove_and_re_add_keep_postings_and_counters_exact(records):
    """Incremental maintenance (what each check does) ends where a rebuild ends."""
    half = records[: N_RECORDS // 2]
    db = DatabaseIndex()
    for rec in half:
        db.add(rec)
    for rec in half[:50]:
        db.add(rec)  # re-indexing a changed record replaces it
    for rec in half[50:80]:
        assert db.remove(rec["record_id"])
    assert not db.remove("nobody")
    kept = half[:50] + half[80:]
    incremental = (sorted(IndexKey.objects.values_list("record_id", "key")),
                   sorted(IndexCount.objects.exclude(count=0).values_list("column", "value", "count")))
    db.rebuild(kept)
    rebuilt = (sorted(IndexKey.objects.values_list("record_id", "key")),
               sorted(IndexCount.objects.values_list("column", "value", "count")))
    assert incremental == rebuilt
    assert len(db) == len(kept)
    assert _all_pairs(db, kept) == _all_pairs(OnlineIndex(kept), kept)


def test_a_record_added_through_one_handle_is_found_through_another_at_once():
    """Two processes = two handles on one database: no copy to rebuild, nothing to wait for."""
    writer, reader = DatabaseIndex(), DatabaseIndex()
    a = {"record_id": "A", "source_country": "GTM", "given_names": "José Luis", "surname_1": "Hernández",
         "surname_2": "Pérez", "sex": "M", "dob": "1988-03-07", "nationality": "GTM", "doc_type": "passport",
         "doc_number": "G12345678", "phone": ""}
    b = {**a, "record_id": "B", "source_country": "MEX", "given_names": "Jose Luis", "surname_2": ""}
    writer.add(a)
    reader.add(b)
    assert [rid for rid, _p, _e in writer.match(b)] == ["A"]
    assert [rid for rid, _p, _e in reader.match(a)] == ["B"]
    writer.remove("A")
    assert reader.match(b) == []
    assert reader.match({**a, "source_country": "MEX", "record_id": "C"}) == [], "same country is never a candidate"


def test_a_check_costs_the_same_queries_whatever_the_number_of_candidates(records):
    db = DatabaseIndex()
    db.rebuild(records)
    costs = set()
    for rec in records[:40]:
        with CaptureQueriesContext(connection) as ctx:
            found = db.match(rec)
        costs.add((len(ctx.captured_queries), bool(found)))
    # one lookup of the candidates, one of the counters (none when nothing shares a key)
    assert {n for n, found in costs if found} == {2}


def test_database_index_agrees_exactly_with_the_batch(records, tmp_path):
    """The same pairs and probabilities as Splink's batch over the same records."""
    from enlace.matching.engine import batch
    from enlace.matching.engine.normalize import INPUT_COLUMNS

    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(INPUT_COLUMNS)
        writer.writerows([r.get(c, "") for c in INPUT_COLUMNS] for r in records)
    batch.link_csv(str(src), str(out))
    with open(out, newline="", encoding="utf-8") as fh:
        expected = {tuple(sorted((r["record_id_l"], r["record_id_r"]))): float(r["match_probability"])
                    for r in csv.DictReader(fh)}
    db = DatabaseIndex()
    db.rebuild(records)
    got = {tuple(sorted(pair)): p for pair, (p, _e) in _all_pairs(db, records).items()}
    assert expected and set(got) == set(expected)
    for key, p in expected.items():
        assert math.isclose(got[key], p, rel_tol=1e-9, abs_tol=1e-12), key


@pytest.mark.django_db
def test_a_row_of_another_feature_layout_is_stale_never_scored_and_can_be_replaced():
    """A row written by an engine with another feature layout (an upgrade) is neither read as features
    (that crashed: "Expected 57 arguments") nor proposed as a candidate; re-indexing the record replaces it."""
    from enlace.matching.index import DatabaseIndex
    from enlace.matching.index_models import IndexedRecord

    idx = DatabaseIndex()
    rec = {"record_id": "x-1", "source_country": "GTM", "given_names": "Ana María", "surname_1": "López",
           "surname_2": "Ruiz", "dob": "1990-05-04", "sex": "F", "nationality": "GTM", "doc_number": "",
           "doc_type": "", "phone": ""}
    q = dict(rec, record_id="y-1", source_country="MEX")
    assert idx.add(rec)
    assert [r for r, *_ in idx.match(q)] == ["x-1"]
    IndexedRecord.objects.filter(pk="x-1").update(features=["x-1", "GTM"], engine_version="0-old")
    assert idx.match(q) == []
    assert idx.stale() == 1
    assert idx.add(rec)  # the record is indexed again with today's layout
    assert [r for r, *_ in idx.match(q)] == ["x-1"]

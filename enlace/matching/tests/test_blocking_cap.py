"""The cap of the blocking keys (issue 13): a key value carried by more than ``KEY_VALUE_CAP`` records
proposes nothing, identically in the batch (Splink on DuckDB), the in-memory index and the database
index; with a cap that bites, the three still agree exactly."""

import csv
import importlib.util
from pathlib import Path

import pytest

from enlace.matching.engine import batch, blocking
from enlace.matching.engine.normalize import INPUT_COLUMNS, normalise_record
from enlace.matching.engine.online import OnlineIndex
from enlace.matching.index import DatabaseIndex

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
#: a probability below every real score: the batch then writes every candidate pair it scored
ALL = 1e-9


def _person(rid, country, given, s1, s2, dob=""):
    return {"record_id": rid, "source_country": country, "given_names": given, "surname_1": s1, "surname_2": s2,
            "dob": dob}


def _records():
    """Four dateless records of one name (two countries each side) and a rare name in two countries."""
    countries = ("MEX", "MEX", "GTM", "GTM")
    common = [_person(f"{c}-{i}", c, "Zacarías", "Quintanilla", "Urbina") for i, c in enumerate(countries)]
    rare = [_person("HND-1", "HND", "Eustaquio", "Barrientos", "Ochoa"),
            _person("SLV-1", "SLV", "Eustaquio", "Barrientos", "Ochoa")]
    return common + rare


def _write(path, records):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(INPUT_COLUMNS)
        w.writerows([r.get(c, "") for c in INPUT_COLUMNS] for r in records)
    return str(path)


def _batch_pairs(records, tmp_path):
    out = tmp_path / "pairs.csv"
    batch.link_csv(_write(tmp_path / "in.csv", records), str(out), ALL)
    with open(out, newline="", encoding="utf-8") as fh:
        return {frozenset((r["record_id_l"], r["record_id_r"])) for r in csv.DictReader(fh)}


def _index_pairs(index, records):
    return {frozenset((r["record_id"], f.record_id)) for r in records for f in index.candidates(normalise_record(r))}


def _three_paths(records, tmp_path):
    db = DatabaseIndex()
    db.rebuild(records)
    return _batch_pairs(records, tmp_path), _index_pairs(OnlineIndex(records), records), _index_pairs(db, records)


def _common_pairs(pairs):
    return {p for p in pairs if not any(r.startswith(("HND", "SLV")) for r in p)}


def test_a_capped_key_value_proposes_nothing_in_batch_online_and_database(monkeypatch, tmp_path):
    monkeypatch.setattr(blocking, "KEY_VALUE_CAP", 3)  # the common name is carried by 4 records
    for pairs in _three_paths(_records(), tmp_path):
        assert frozenset(("HND-1", "SLV-1")) in pairs  # a rare name is still proposed
        assert _common_pairs(pairs) == set()


def test_without_the_cap_the_same_assertion_fails(monkeypatch, tmp_path):
    """The control of the test above: the same records with the cap disabled do propose the common
    name's cross-country pairs on all three paths (so the assertion there can fail)."""
    monkeypatch.setattr(blocking, "KEY_VALUE_CAP", None)
    expected = {frozenset((a, b)) for a in ("MEX-0", "MEX-1") for b in ("GTM-2", "GTM-3")}
    for pairs in _three_paths(_records(), tmp_path):
        assert _common_pairs(pairs) == expected


def test_batch_online_and_database_agree_exactly_under_a_cap_that_bites(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("enlace_bench_generate", ROOT / "bench" / "linkage" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rec, _truth = gen.write(str(tmp_path / "gen.csv"), 500, seed=31)
    with open(rec, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    uncapped = _index_pairs(OnlineIndex(records), records)
    monkeypatch.setattr(blocking, "KEY_VALUE_CAP", 4)
    memory, db = OnlineIndex(records), DatabaseIndex()
    db.rebuild(records)
    online = _index_pairs(memory, records)
    assert len(online) < len(uncapped)  # the cap bites on these records
    assert _index_pairs(db, records) == online
    # the batch writes the candidates scored above ALL: the same filter on the indexes' answers
    scored = {frozenset((r["record_id"], other)) for r in records for other, _p, _e in memory.match(r, threshold=ALL)}
    assert scored and scored <= online
    assert _batch_pairs(records, tmp_path) == scored
    db_scored = {frozenset((r["record_id"], other)) for r in records for other, _p, _e in db.match(r, threshold=ALL)}
    assert db_scored == scored

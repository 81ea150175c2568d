"""Batch linkage (Splink on DuckDB), the online index, their agreement, robustness and hard negatives.

Plain pytest, no database.  Uses the synthetic generator of bench/linkage on a few thousand records.
"""

import csv
import importlib.util
import math
import os
import random
from pathlib import Path

import pytest

from enlace.matching.engine import batch
from enlace.matching.engine.comparisons import COMPARISONS
from enlace.matching.engine.model import load_model, to_spark_sql
from enlace.matching.engine.normalize import BLOCKING_RULES, FEATURES, INPUT_COLUMNS, normalise_record
from enlace.matching.engine.online import OnlineIndex
from enlace.matching.engine.table import InputError, load_features

ROOT = Path(__file__).resolve().parents[3]
N_RECORDS = 3000


def _generator():
    spec = importlib.util.spec_from_file_location("enlace_bench_generate", ROOT / "bench" / "linkage" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    gen = _generator()
    path = tmp_path_factory.mktemp("linkage") / "records.csv"
    rec, truth = gen.write(str(path), N_RECORDS, seed=11)
    with open(rec, newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    with open(truth, newline="", encoding="utf-8") as fh:
        clusters = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(fh)}
    return path, records, clusters


@pytest.fixture(scope="module")
def linked(generated, tmp_path_factory):
    path, records, clusters = generated
    out = tmp_path_factory.mktemp("linkage-out") / "pairs.csv"
    stats = batch.link_csv(str(path), str(out))
    with open(out, newline="", encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
        fh.seek(0)
        rows = list(csv.DictReader(fh))
    return stats, header, rows


def _write(path, rows, header=INPUT_COLUMNS):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(c, "") for c in header])
    return str(path)


# --- the batch function -------------------------------------------------------------------------

def test_batch_output_columns_cross_country_and_threshold(generated, linked):
    _, records, clusters = generated
    stats, header, rows = linked
    assert header == ["record_id_l", "record_id_r", "match_probability"]
    assert stats["records"] == N_RECORDS and stats["pairs"] == len(rows) > 100
    country = {r["record_id"]: r["source_country"] for r in records}
    for row in rows:
        assert country[row["record_id_l"]] != country[row["record_id_r"]]
        assert float(row["match_probability"]) >= batch.DEFAULT_THRESHOLD
    # quality on this small file: most pairs are right, most true pairs are found
    found = {tuple(sorted((r["record_id_l"], r["record_id_r"]))) for r in rows}
    by_cluster = {}
    for rid, c in clusters.items():
        by_cluster.setdefault(c, []).append(rid)
    truth = {tuple(sorted((a, b))) for ids in by_cluster.values() for a in ids for b in ids
             if a < b and country[a] != country[b]}
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision > 0.97, precision
    assert recall > 0.85, recall


def test_batch_threshold_is_respected(generated, linked, tmp_path):
    path, _, _ = generated
    _, _, rows = linked
    out = tmp_path / "strict.csv"
    stats = batch.link_csv(str(path), str(out), threshold=0.999)
    with open(out, newline="", encoding="utf-8") as fh:
        strict = list(csv.DictReader(fh))
    assert stats["threshold"] == 0.999
    assert all(float(r["match_probability"]) >= 0.999 for r in strict)
    loose = {(r["record_id_l"], r["record_id_r"]) for r in rows if float(r["match_probability"]) >= 0.999}
    assert {(r["record_id_l"], r["record_id_r"]) for r in strict} == loose
    with pytest.raises(ValueError):
        batch.link_csv(str(path), str(out), threshold=1.5)


def test_empty_file_header_only_and_bad_header_are_clear_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty file"):
        batch.link_csv(str(empty), str(tmp_path / "o.csv"))
    header_only = _write(tmp_path / "h.csv", [])
    with pytest.raises(InputError, match="no records"):
        batch.link_csv(header_only, str(tmp_path / "o.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name\n1,Ana\n")
    with pytest.raises(InputError, match="missing column"):
        batch.link_csv(str(bad), str(tmp_path / "o.csv"))
    with pytest.raises(InputError, match="no such file"):
        batch.link_csv(str(tmp_path / "nope.csv"), str(tmp_path / "o.csv"))
    dup = _write(tmp_path / "dup.csv", [{"record_id": "a", "source_country": "HND"}] * 2)
    with pytest.raises(InputError, match="duplicate"):
        batch.link_csv(dup, str(tmp_path / "o.csv"))
    assert batch.main([str(empty), "-o", str(tmp_path / "o.csv")]) == 2


def test_robust_to_missing_fields_garbage_and_huge_values(tmp_path):
    person = {"given_names": "José Luis", "surname_1": "Hernández", "surname_2": "López", "sex": "M",
              "dob": "1985-04-11", "nationality": "HND", "doc_type": "PASAPORTE", "doc_number": "F1234567",
              "phone": "+504 9876-5432"}
    rows = [
        {"record_id": "HND-1", "source_country": "HND", **person},
        {"record_id": "MEX-1", "source_country": "MEX", **person, "dob": "1985-11-04", "given_names": "Pepe Luis",
         "surname_2": ""},
        {"record_id": "GTM-1", "source_country": "GTM"},  # everything missing
        {"record_id": "GTM-2", "source_country": "GTM", "given_names": "X" * 10_000_000, "dob": "31/02/1985",
         "sex": "??", "nationality": "Honduras", "doc_number": "N/A", "phone": "no tiene"},
        {"record_id": "USA-1", "source_country": "usa", "dob": "not a date", "doc_number": "000000"},
        {"record_id": "", "source_country": "USA", "given_names": "no id"},
        {"record_id": "XXX-1", "source_country": "", **person},  # no source country: never paired
    ]
    path = _write(tmp_path / "odd.csv", rows)
    out = tmp_path / "out.csv"
    stats = batch.link_csv(path, str(out))
    assert stats["records"] == 6 and stats["records_without_id"] == 1
    assert stats["records_without_source_country"] == 1
    with open(out, newline="", encoding="utf-8") as fh:
        pairs = {(r["record_id_l"], r["record_id_r"]) for r in csv.DictReader(fh)}
    assert pairs == {("HND-1", "MEX-1")}


# --- online index and its agreement with the batch ----------------------------------------------

def test_online_agrees_with_batch(generated, linked):
    path, records, _ = generated
    _, _, rows = linked
    batch_pairs = {tuple(sorted((r["record_id_l"], r["record_id_r"]))): float(r["match_probability"]) for r in rows}
    index = OnlineIndex.from_csv(str(path))
    assert len(index) == N_RECORDS
    online = {}
    for rec in records:
        for other, p, explanation in index.match(rec):
            key = tuple(sorted((rec["record_id"], other)))
            if key in online:
                assert math.isclose(online[key], p, rel_tol=1e-12)
            online[key] = p
            assert explanation, (rec, other)
    assert set(online) == set(batch_pairs)
    for key, p in batch_pairs.items():
        assert math.isclose(online[key], p, rel_tol=1e-9, abs_tol=1e-12), (key, p, online[key])


def test_python_levels_equal_duckdb_levels(generated):
    """Every comparison level computed in Python (online) equals the SQL one (batch), on all candidate
    pairs of the generated file plus random pairs and crafted edge cases."""
    import duckdb

    from enlace.matching.engine.training import _pair_columns, level_case_sql

    _, records, _ = generated
    extra = [
        {"record_id": "e1", "given_names": "Beto", "surname_1": "Ma", "dob": "1985-01-02"},
        {"record_id": "e2", "given_names": "AB", "surname_1": "BA", "dob": "1985-02-01"},
        {"record_id": "e3", "given_names": "Mayte Lupe", "surname_1": "de la O", "dob": "1910-12-31"},
        {"record_id": "e4"},
    ]
    feats = [normalise_record(r) for r in records + extra]
    con = duckdb.connect()
    load_features(con, feats, "f")
    con.execute("CREATE TABLE r AS SELECT row_number() OVER () - 1 AS idx, * FROM f")
    cand = " UNION ".join(f'SELECT l.idx AS i, r.idx AS j FROM r l JOIN r r ON l."{a}" = r."{b}"'
                          for a, b in BLOCKING_RULES)
    rng = random.Random(5)
    rand = [(rng.randrange(len(feats)), rng.randrange(len(feats))) for _ in range(15_000)]
    rand += [(len(feats) - 1 - i, len(feats) - 1 - j) for i in range(4) for j in range(4)]
    import pandas as pd

    con.register("rand_pairs", pd.DataFrame(rand, columns=["i", "j"]))
    con.execute("CREATE TABLE rp AS SELECT i::BIGINT AS i, j::BIGINT AS j FROM rand_pairs")
    cases = ", ".join(f"{level_case_sql(c)}" for c in COMPARISONS)
    con.execute(f"INSERT INTO rp {cand}")
    sql = (f"WITH pairs AS (SELECT l.idx AS i, r.idx AS j, {_pair_columns()} FROM rp "
           f"JOIN r l ON l.idx = rp.i JOIN r r ON r.idx = rp.j) SELECT i, j, {cases} FROM pairs")
    rows = con.execute(sql).fetchall()
    assert len(rows) > 20_000  # random pairs + every candidate pair of the file
    for i, j, *levels in rows:
        py = [c.level_of(feats[i], feats[j]) for c in COMPARISONS]
        assert py == levels, (feats[i], feats[j], py, levels)


def test_online_add_remove_and_explanations():
    index = OnlineIndex()
    a = {"record_id": "HND-7", "source_country": "HND", "given_names": "María Guadalupe", "surname_1": "Hernández",
         "surname_2": "Vásquez", "sex": "F", "dob": "1990-03-04", "nationality": "HND", "doc_type": "DNI",
         "doc_number": "0801-1990-12345", "phone": "9876-5432"}
    index.add(a)
    index.add({"record_id": "HND-8", "source_country": "HND", "given_names": "Pedro", "surname_1": "Paz"})
    assert len(index) == 2 and "HND-7" in index
    q = {"record_id": "MEX-1", "source_country": "MEX", "given_names": "Lupe", "surname_1": "Ernandes",
         "surname_2": "Basques", "sex": "F", "dob": "1990-04-03", "doc_type": "cedula",
         "doc_number": "0801 1990 12345", "phone": "+504 98765432"}
    [(rid, p, why)] = index.match(q)
    assert rid == "HND-7" and p > 0.999
    assert why["dob"] == "day/month swapped" and why["doc_number"] == "exact" and why["phone"] == "exact"
    assert why["surname_1"] == "sounds the same" and "given_names" in why
    # the same country is never a hit; garbage never raises
    assert index.match({**q, "source_country": "HND"}) == []
    assert index.match({"record_id": None, "given_names": None, "dob": "garbage", "phone": []}) == []
    assert index.remove("HND-7") and not index.remove("HND-7")
    assert index.match(q) == [] and len(index) == 1
    index.add(a)
    assert [r[0] for r in index.match(q)] == ["HND-7"]


# --- hard negatives ------------------------------------------------------------------------------

def test_siblings_and_fathers_and_sons_are_not_matched(generated, tmp_path):
    _, records, _ = generated
    base = {"nationality": "HND"}
    people = [
        # sisters: same parents' surnames, close dates of birth, different given names
        {"record_id": "HND-S1", "source_country": "HND", "given_names": "María José", "surname_1": "García",
         "surname_2": "López", "sex": "F", "dob": "1990-03-04", **base},
        {"record_id": "MEX-S2", "source_country": "MEX", "given_names": "María Fernanda", "surname_1": "GARCIA",
         "surname_2": "LOPEZ", "sex": "F", "dob": "1992-07-10", **base},
        {"record_id": "GTM-S3", "source_country": "GTM", "given_names": "Ana Lucía", "surname_1": "García",
         "surname_2": "López", "sex": "F", "dob": "1995-11-21", **base},
        # brothers
        {"record_id": "HND-B1", "source_country": "HND", "given_names": "Carlos Alberto", "surname_1": "Reyes",
         "surname_2": "Mejía", "sex": "M", "dob": "1988-01-15", **base},
        {"record_id": "USA-B2", "source_country": "USA", "given_names": "Luis Fernando", "surname_1": "Reyes",
         "surname_2": "Mejia", "sex": "M", "dob": "1986-06-02", **base},
        # father and son with the same given names (the son's second surname is his mother's)
        {"record_id": "HND-F1", "source_country": "HND", "given_names": "José Luis", "surname_1": "Hernández",
         "surname_2": "Martínez", "sex": "M", "dob": "1962-05-01", **base},
        {"record_id": "MEX-F2", "source_country": "MEX", "given_names": "José Luis", "surname_1": "Hernández",
         "surname_2": "Pérez", "sex": "M", "dob": "1990-09-12", **base},
        # father and son, the son recorded without second surname
        {"record_id": "GTM-F3", "source_country": "GTM", "given_names": "Juan Carlos", "surname_1": "Mendoza",
         "surname_2": "Rivas", "sex": "M", "dob": "1958-02-20", **base},
        {"record_id": "USA-F4", "source_country": "USA", "given_names": "Juan Carlos", "surname_1": "Mendoza",
         "sex": "M", "dob": "1986-10-03", **base},
        # ... and a true match, to prove the setting links what it should
        {"record_id": "USA-T1", "source_country": "USA", "given_names": "Pepe Luis", "surname_1": "Hernandes",
         "sex": "M", "dob": "1962-01-05", "nationality": "HND"},
    ]
    path = _write(tmp_path / "families.csv", records + people)
    out = tmp_path / "pairs.csv"
    batch.link_csv(path, str(out))
    ids = {p["record_id"] for p in people}
    with open(out, newline="", encoding="utf-8") as fh:
        found = {tuple(sorted((r["record_id_l"], r["record_id_r"]))) for r in csv.DictReader(fh)
                 if r["record_id_l"] in ids or r["record_id_r"] in ids}
    assert found == {("HND-F1", "USA-T1")}
    index = OnlineIndex(records + people)
    online = {tuple(sorted((p["record_id"], rid))) for p in people for rid, _, _ in index.match(p)}
    assert online == found


# --- model file and Spark ------------------------------------------------------------------------

def test_model_ships_trained_and_runtime_does_not_train():
    model = load_model()
    assert model.meta.get("training_records", 0) >= 100_000
    for row in model.bayes_factors:
        assert all(bf > 0 and math.isfinite(bf) for bf in row)
    src = (ROOT / "enlace" / "matching" / "engine" / "batch.py").read_text() + \
        (ROOT / "enlace" / "matching" / "engine" / "online.py").read_text()
    assert "training" not in src and "estimate_" not in src


def test_settings_translate_to_spark_sql():
    import sqlglot

    s = load_model().splink_settings(1_000_000, dialect="spark")
    assert s["sql_dialect"] == "spark"
    sqls = [lev["sql_condition"] for c in s["comparisons"] for lev in c["comparison_levels"]]
    sqls += [br["blocking_rule"] for br in s["blocking_rules_to_generate_predictions"]]
    for sql in sqls:
        for duck_only in ("list_has", "list_contains", "hamming(", "string_split", "IS NOT DISTINCT", '"'):
            assert duck_only not in sql, sql
        if sql != "ELSE":
            sqlglot.parse_one(sql, read="spark")
    assert to_spark_sql('list_has_all("a_l", "a_r")') == "(size(array_except(`a_r`, `a_l`)) = 0)"


def test_online_index_from_duckdb_table_and_generator_is_deterministic(generated):
    import duckdb

    _, records, _ = generated
    gen = _generator()
    first = [r for r, _ in gen.generate(300, seed=3)]
    assert first == [r for r, _ in gen.generate(300, seed=3)]
    assert first != [r for r, _ in gen.generate(300, seed=4)]
    assert {r["source_country"] for r, _ in gen.generate(5000, seed=3)} == {
        "BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA"}
    con = duckdb.connect()
    con.execute("CREATE TABLE people (" + ", ".join(f'"{c}" VARCHAR' for c in INPUT_COLUMNS) + ")")
    con.executemany(f"INSERT INTO people VALUES ({', '.join('?' * len(INPUT_COLUMNS))})",
                    [[r[c] or None for c in INPUT_COLUMNS] for r in records[:500]])
    from_db = OnlineIndex.from_duckdb(con, "people")
    from_dicts = OnlineIndex(records[:500])
    assert len(from_db) == len(from_dicts) == 500
    for rec in records[:500:10]:
        assert from_db.match(rec) == from_dicts.match(rec)


def test_spark_translation_keeps_nulls_null():
    # Spark's size(NULL) is -1: without the guard two missing second surnames would count as "similar"
    sql = to_spark_sql('hamming("sn2_l", "sn2_r") <= 1')
    assert sql.startswith("IF(`sn2_l` IS NULL OR `sn2_r` IS NULL, NULL, size(filter(")

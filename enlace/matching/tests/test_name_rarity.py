"""Name rarity (issue 13): two records from different countries that share a whole name carried by
few records are one person more often than the name tokens' frequencies say.  The estimate comes
from the data (dated pairs), replaces the names' evidence in every path (batch, in-memory index,
database index) identically, and a broken model file is refused with a clear message."""

import csv
import dataclasses
import importlib.util
import json
import math
import random
from pathlib import Path

import duckdb
import pytest

from enlace.matching.engine import batch
from enlace.matching.engine import model as model_mod
from enlace.matching.engine.estimate import _name_rarity
from enlace.matching.engine.model import MODEL_PATH, ModelError, load_model, model_from_dict, name_rarity_key
from enlace.matching.engine.normalize import normalise_record
from enlace.matching.engine.online import OnlineIndex

ROOT = Path(__file__).resolve().parents[3]


def _same(bins, ps):
    """Rarity rows with one probability for every class of the name's other birth years."""
    return tuple(bins), tuple((p, p, p) for p in ps)


RARITY = {"nk_full": _same((2, 4, 10), (0.97, 0.8, 0.3)), "nk_first": _same((2, 5), (0.9, 0.5)),
          "nk_g1": _same((3,), (0.85,)), "nk_swap": _same((3,), (0.8,))}
STRONG = {c: ((2, 3, 4), ((0.995, 0.999, 0.6), (0.99, 0.995, 0.5), (0.95, 0.99, 0.4))) for c in RARITY}


def _with_rarity(rarity=RARITY):
    return dataclasses.replace(load_model(MODEL_PATH), name_rarity=dict(rarity))


def _without_rarity():
    return dataclasses.replace(load_model(MODEL_PATH), name_rarity={})


def _rec(rid, country, given, s1, s2="", dob="", **kw):
    return {"record_id": rid, "source_country": country, "given_names": given, "surname_1": s1,
            "surname_2": s2, "dob": dob, **kw}


def _p(model, l, r, k, n=100_000, years=None):
    """Probability of the pair when ``k`` records carry each value; ``years``: the records per birth
    year of the name (other than the pair's, which are added)."""
    a, b = normalise_record(l), normalise_record(r)
    per_year = dict(years or {})
    for f in (a, b):
        if f.dob_s:
            per_year[f.dob_s[:4]] = per_year.get(f.dob_s[:4], 0) + 1

    def count(column, value):
        if column.endswith("@years"):
            return len(per_year)
        if column.endswith("@y"):
            return per_year.get(value.rpartition("|")[2], 0)
        return k

    levels = model.levels(a, b)
    return model.probability(levels, n, a, b, lambda c, v: 1e-4, count if k is not None else None)


# --- the scoring -------------------------------------------------------------------------------

def test_a_shared_name_carried_by_two_records_is_a_hit_and_by_many_is_not():
    l = _rec("A1", "GTM", "Yeison Brayan", "Tzul", "Quiej")
    r = _rec("B1", "MEX", "Yeison Brayan", "Tzul", "Quiej")
    m = _with_rarity()
    assert name_rarity_key(normalise_record(l), normalise_record(r))[0] == "nk_full"
    two, ten, many, none = _p(m, l, r, 2), _p(m, l, r, 10), _p(m, l, r, 500), _p(m, l, r, None)
    # the rarity replaces the names' evidence: P(one person) of the bin, times sex/nationality (absent)
    assert two == pytest.approx(0.97, abs=1e-9)
    assert ten == pytest.approx(0.3, abs=1e-9)
    # beyond the bins, and without counts, the token frequencies decide as before
    assert many == none == _p(_without_rarity(), l, r, 2)


def test_the_first_shared_key_decides():
    full = (_rec("A", "GTM", "Ana Lucía", "Pop", "Caal"), _rec("B", "HND", "Ana Lucía", "Pop", "Caal"))
    first = (_rec("A", "GTM", "Ana Lucía", "Pop", "Caal"), _rec("B", "HND", "Ana Lucía", "Pop"))
    g1 = (_rec("A", "GTM", "Ana Lucía", "Pop", "Caal"), _rec("B", "HND", "Ana", "Pop", "Caal"))
    swap = (_rec("A", "GTM", "Ana Lucía", "Pop", "Caal"), _rec("B", "HND", "Ana Lucía", "Caal", "Pop"))
    other = (_rec("A", "GTM", "Ana Lucía", "Pop", "Caal"), _rec("B", "HND", "Ana Lucía", "Pop", "Choc"))
    keys = [name_rarity_key(normalise_record(a), normalise_record(b)) for a, b in (full, first, g1, swap, other)]
    assert [k and k[0] for k in keys] == ["nk_full", "nk_first", "nk_g1", "nk_swap", None]
    m = _with_rarity()
    assert _p(m, *first, 2) == pytest.approx(0.9, abs=1e-9)
    assert _p(m, *other, 2) == _p(_without_rarity(), *other, 2)


def test_the_names_other_records_tell_one_person_from_several():
    l = _rec("A1", "GTM", "Yeison", "Tzul", "Quiej")
    r = _rec("B1", "MEX", "Yeison", "Tzul", "Quiej", dob="1990-03-04")
    m = _with_rarity({"nk_full": ((4,), ((0.9, 0.97, 0.4),))})
    assert _p(m, l, r, 4) == pytest.approx(0.9, abs=1e-9)  # no other dated record
    assert _p(m, l, r, 4, years={"1990": 2}) == pytest.approx(0.97, abs=1e-9)  # all born in 1990
    assert _p(m, l, r, 4, years={"1971": 1, "1990": 1}) == pytest.approx(0.4, abs=1e-9)  # two people at least
    # the pair's own year is not "another record": r alone born in 1990, the others in 1971
    assert _p(m, l, r, 4, years={"1971": 2}) == pytest.approx(0.97, abs=1e-9)


def test_a_differing_date_still_counts_against_a_rare_name():
    l = _rec("A1", "GTM", "Yeison", "Tzul", "Quiej", dob="1990-03-04")
    far = _rec("B1", "MEX", "Yeison", "Tzul", "Quiej", dob="1961-11-20")
    same = _rec("B2", "MEX", "Yeison", "Tzul", "Quiej", dob="1990-03-04")
    m = _with_rarity()
    assert _p(m, l, far, 2) < 0.5 < 0.99 < _p(m, l, same, 2)


# --- the estimation ------------------------------------------------------------------------------

def _feats(n_rare=200, n_common=40, seed=3):
    """Rare names: one person, two records in two countries, equal dates (80 %: m of an exact date).
    Common names: ten strangers each in ten countries, random dates."""
    rnd = random.Random(seed)
    out = []
    for i in range(n_rare):
        name = "Nombre" + "".join(chr(65 + int(c)) for c in f"{i:04d}")
        dob = f"19{rnd.randint(50, 99)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}"
        other = dob if rnd.random() < 0.8 else f"19{rnd.randint(50, 99)}-0{rnd.randint(1, 9)}-2{rnd.randint(0, 8)}"
        out.append(_rec(f"R{i}a", "GTM", name, "Tzul", "Quiej", dob=dob))
        out.append(_rec(f"R{i}b", "MEX", name, "Tzul", "Quiej", dob=other))
    for i in range(n_common):
        name = "Comun" + "".join(chr(65 + int(c)) for c in f"{i:03d}")
        for j in range(10):
            dob = f"19{rnd.randint(50, 99)}-{rnd.randint(10, 12)}-1{rnd.randint(0, 9)}"
            out.append(_rec(f"C{i}-{j}", ["GTM", "MEX", "HND", "SLV", "CRI", "PAN", "NIC", "BLZ", "DOM", "USA"][j],
                            name, "Lopez", "Perez", dob=dob))
    return [normalise_record(r) for r in out]


def test_rarity_is_estimated_from_the_dated_pairs_of_the_data():
    settings = {"comparisons": [{"output_column_name": "dob", "comparison_levels": [
        {"label_for_charts": "null", "is_null_level": True}, {"label_for_charts": "exact", "m_probability": 0.8}]}]}
    con = duckdb.connect()
    try:
        rarity, diag = _name_rarity(con, _feats(), settings)
    finally:
        con.close()
    full = rarity["nk_full"]
    bins, ps = full["max_records"], full["p_same"]
    # two records: ~80 % equal dates / m 0.8 -> about one person; ten strangers: nearly never
    assert bins[0] == 2 and min(ps[0]) > 0.85
    assert bins[-1] == 10 and max(ps[-1]) < 0.1
    assert all(len(row) == 3 for row in ps)
    assert diag["nk_full"]["dated_pairs_by_bin_and_years"]["2"][0][0] == 200  # no other record: class 0


# --- one answer in every path ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("enlace_bench_generate", ROOT / "bench" / "linkage" / "generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    path = tmp_path_factory.mktemp("rarity") / "records.csv"
    rec, _truth = gen.write(str(path), 1200, seed=29)
    with open(rec, newline="", encoding="utf-8") as fh:
        return path, list(csv.DictReader(fh))


def _model_file(tmp_path, rarity):
    data = json.loads(Path(MODEL_PATH).read_text(encoding="utf-8"))
    data["name_rarity"] = {c: {"max_records": list(b), "p_same": list(p)} for c, (b, p) in rarity.items()}
    out = tmp_path / "model.json"
    out.write_text(json.dumps(data), encoding="utf-8")
    return str(out)


def _batch(path, out, model_path):
    batch.link_csv(str(path), str(out), model_path=model_path)
    with open(out, newline="", encoding="utf-8") as fh:
        return {tuple(sorted((r["record_id_l"], r["record_id_r"]))): float(r["match_probability"])
                for r in csv.DictReader(fh)}


def test_batch_and_online_agree_with_the_rarity_and_it_changes_the_answer(generated, tmp_path):
    path, records = generated
    strong = STRONG
    with_rarity = _batch(path, tmp_path / "a.csv", _model_file(tmp_path, strong))
    (tmp_path / "plain").mkdir()
    without = _batch(path, tmp_path / "b.csv", _model_file(tmp_path / "plain", {}))
    # the test can fail: the rarity found pairs the token frequencies alone did not
    assert set(with_rarity) - set(without)
    index = OnlineIndex(records, model_path=_model_file(tmp_path, strong))
    online = {}
    for rec in records:
        for other, p, _e in index.match(rec):
            online[tuple(sorted((rec["record_id"], other)))] = p
    assert set(online) == set(with_rarity)
    for key, p in with_rarity.items():
        assert math.isclose(online[key], p, rel_tol=1e-9, abs_tol=1e-12), key


@pytest.mark.django_db
def test_database_index_applies_the_rarity_as_the_in_memory_index(generated):
    from enlace.matching.index import DatabaseIndex

    _path, records = generated
    records = records[:700]
    m = _with_rarity(STRONG)
    memory = OnlineIndex(records, model=m)
    db = DatabaseIndex(model=m)
    db.rebuild(records)
    with pytest.MonkeyPatch.context() as mp:
        # 700 records: below the size where frequencies count; lower it so the rarity is exercised here
        mp.setattr(model_mod, "TF_MIN_RECORDS", 100)
        exp = {(r["record_id"], o): p for r in records for o, p, _e in memory.match(r)}
        got = {(r["record_id"], o): p for r in records for o, p, _e in db.match(r)}
        mp.setattr(model_mod, "NAME_RARITY_KEYS", ())
        plain = {(r["record_id"], o) for r in records for o, _p, _e in memory.match(r)}
    assert set(exp) - plain, "the rarity changes the answer on these records"
    assert set(got) == set(exp)
    for key, p in exp.items():
        assert math.isclose(got[key], p, rel_tol=1e-12), key


# --- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    {"nk_full": {"max_records": [4, 2], "p_same": [[0.9, 0.9, 0.9], [0.8, 0.8, 0.8]]}},
    {"nk_full": {"max_records": [2], "p_same": [[1.5, 0.9, 0.9]]}},
    {"nk_full": {"max_records": [2, 3], "p_same": [[0.9, 0.9, 0.9]]}},
    {"nk_full": {"max_records": [2], "p_same": [0.9]}},
    {"nk_whatever": {"max_records": [2], "p_same": [[0.9, 0.9, 0.9]]}},
])
def test_a_broken_rarity_in_a_model_file_is_refused_with_a_clear_message(bad):
    data = json.loads(Path(MODEL_PATH).read_text(encoding="utf-8"))
    data["name_rarity"] = bad
    with pytest.raises(ModelError, match="name.rarity"):
        model_from_dict(data)


"""The linkage model is estimated from the records, never from a generator's labels; reviewers teach it.

Through the CLI (``enlace train-matching``), HTTP (the clerical review queue) and the engine's
estimation API on a few thousand generated records (their ground truth is never handed over)."""

import csv
import io
import json
import os
import sys
import uuid

import pytest
from django.core.management import CommandError, call_command

from enlace.matching.actions import do_record_hit
from enlace.matching.engine import estimate as est
from enlace.matching.engine.comparisons import COMPARISONS, TWINS_LABEL
from enlace.matching.engine.model import ENGINE_VERSION, MODEL_DIR_ENV, MODEL_PATH, ModelError, load_model
from enlace.matching.engine.registry import current_model_path, current_version
from enlace.matching.models import HitNotice
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
N_RECORDS = 3_000


def _generated(n=N_RECORDS, seed=11):
    sys.path.insert(0, os.path.join(ROOT, "bench", "linkage"))
    import generate

    return list(generate.generate(n, seed))


@pytest.fixture(scope="module")
def estimated(tmp_path_factory):
    """One estimation without labels and one with pairs judged the same person (records only)."""
    d = tmp_path_factory.mktemp("models")
    data = _generated()
    records = [r for r, _t in data]
    by_cluster = {}
    for rec, truth in data:
        by_cluster.setdefault(truth["cluster_id"], []).append(rec)
    same = [(g[0], g[1]) for g in by_cluster.values() if len(g) > 1 and g[0]["source_country"] != g[1]["source_country"]]
    # 100k random pairs are plenty for 3 000 records (this fixture is most of the file's time)
    plain = est.estimate_from_records(records, str(d / "plain.json"), u_pairs=100_000)
    taught = est.estimate_from_records(records, str(d / "taught.json"), labels=same[:60], u_pairs=100_000)
    return d, plain, taught


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path))
    return tmp_path


# --- the production model -------------------------------------------------------------------------

def test_shipped_model_was_estimated_from_data_without_labels(estimated):
    shipped = load_model(MODEL_PATH)
    assert shipped.meta["source"] == "data" and shipped.meta["labels_used"] == 0
    assert shipped.meta["engine_version"] == ENGINE_VERSION
    for key in ("version", "created", "training_records", "diagnostics"):
        assert shipped.meta[key]
    assert not {"generator_seed", "training_cross_country_true_pairs", "m_pairs"} & set(shipped.meta)
    # a re-estimation from records alone gives the same structure (comparisons, levels, tf columns)
    d, plain, _taught = estimated
    again = load_model(str(d / "plain.json"))
    assert plain["source"] == "data" and plain["labels_used"] == 0
    structure = lambda m: [(c["output_column_name"], [(lv["label_for_charts"], lv.get("tf_adjustment_column"))
                                                      for lv in c["comparison_levels"]]) for c in m.settings["comparisons"]]
    assert structure(again) == structure(shipped)
    # term frequencies of the names, plus the counts of the whole names (name rarity)
    assert set(again.tf_columns) - set(again.name_rarity) == {"g_norm", "sn_full", "sn1_ph"}
    assert set(again.name_rarity) <= {"nk_full", "nk_first", "nk_g1", "nk_swap"}


def test_training_refuses_ground_truth(tmp_path):
    rec, truth = _generated(5)[0]
    with pytest.raises(est.TrainingError, match="cluster_id"):
        est.estimate_from_records([{**rec, "cluster_id": truth["cluster_id"]}], str(tmp_path / "m.json"))
    path = tmp_path / "with_truth.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, list(rec) + ["family_id"])
        w.writeheader()
        w.writerow({**rec, "family_id": "1"})
    with pytest.raises(est.TrainingError, match="family_id"):
        est.estimate_from_csv(str(path), str(tmp_path / "m.json"))


def test_twins_weigh_less_than_strangers_and_partial_dates_compare_the_year(estimated):
    d, _plain, _taught = estimated
    model = load_model(str(d / "plain.json"))
    given = next(i for i, c in enumerate(COMPARISONS) if c.name == "given_names")
    labels = [lv.label for lv in COMPARISONS[given].levels]
    assert model.bayes_factors[given][labels.index(TWINS_LABEL)] < model.bayes_factors[given][labels.index("different")]
    from enlace.matching.engine.normalize import normalise_record

    base = {"record_id": "a", "source_country": "GTM", "given_names": "Ana", "surname_1": "Xol", "surname_2": "Caal"}
    lv = model.levels(normalise_record({**base, "dob": "1990-01-01"}), normalise_record({**base, "dob": "1990-06-17"}))
    assert COMPARISONS[2].levels[lv[2]].label.startswith("1 January")
    swapped = model.levels(normalise_record({**base, "dob": "1990-03-07"}), normalise_record({**base, "dob": "1990-07-03"}))
    assert COMPARISONS[2].levels[swapped[2]].label == "day/month swapped"


def test_another_document_class_is_no_evidence_and_name_rarity_is(estimated):
    """A passport against a national id weighs nothing either way (fraudulent documents of another
    class made EM give it 2^18); with a second surname missing, a rare first surname is evidence and a
    common one much less, around the level's estimated weight (relative term frequency)."""
    from enlace.matching.engine.normalize import normalise_record

    d, plain, _taught = estimated
    for model in (load_model(str(d / "plain.json")), load_model(MODEL_PATH)):
        doc = next(i for i, c in enumerate(COMPARISONS) if c.name == "doc")
        other_class = [lv.label for lv in COMPARISONS[doc].levels].index("different document classes")
        assert model.bayes_factors[doc][other_class] == 1.0
        base = {"source_country": "GTM", "given_names": "Ana", "sex": "F", "dob": "1990-03-07"}
        a = normalise_record({**base, "record_id": "a", "surname_1": "Xol", "surname_2": "Caal", "doc_type": "passport",
                              "doc_number": "G12345678"})
        b = normalise_record({**base, "record_id": "b", "source_country": "MEX", "surname_1": "Xol",
                              "doc_type": "national id", "doc_number": "1234567890101"})
        levels = model.levels(a, b)
        assert COMPARISONS[doc].levels[levels[doc]].label == "different document classes"
        assert COMPARISONS[1].levels[levels[1]].label == "first surname, second missing on one side"
        s2 = plain["tf_sum_squares"]["sn1_ph"] if model.meta.get("tf_sum_squares") is None else \
            model.meta["tf_sum_squares"]["sn1_ph"]
        freq = lambda value: (lambda col, v: value if col == "sn1_ph" else None)
        rare, common = (model.probability(levels, 100_000, a, b, freq(v)) for v in (s2 / 20, s2 * 20))
        plain_p = model.probability(levels, 100_000, a, b)
        assert rare > plain_p > common
    assert plain["tf_sum_squares"]["g_norm"] > 0


# --- reviewers teach the model -----------------------------------------------------------------------

def test_reviewed_pairs_change_the_next_estimation(estimated):
    _d, plain, taught = estimated
    assert plain["labels_used"] == 0 and taught["labels_used"] == 60 and taught["source"] == "data+labels"
    m_plain = {(r["comparison"], r["level"]): r["m"] for r in plain["diagnostics"]["m_u"]}
    m_taught = {(r["comparison"], r["level"]): r["m"] for r in taught["diagnostics"]["m_u"]}
    assert m_plain.keys() == m_taught.keys()
    assert any(abs(m_plain[k] - m_taught[k]) > 1e-3 for k in m_plain)


def _pair(owner, other, probability):
    from enlace.matching.tests.test_policy import _person

    tag = uuid.uuid4().hex[:8]
    _c1, mine = _person(owner, given=f"Revisado{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02", passport=f"R{tag}")
    _c2, theirs = _person(other, given=f"Revisado{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02", passport=f"R{tag}")
    do_record_hit(mine, mine.to_match_record(), theirs, theirs.to_match_record(), probability, {"doc_number": "exact"})
    return (HitNotice.objects.unrestricted(reason="test").get(own_person=mine), mine, theirs)


@pytest.mark.django_db
def test_review_queue_most_informative_first_and_never_re_proposes(model_dir):
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    sure, _a, _b = _pair(gtm, mex, 0.999)
    near, mine, theirs = _pair(gtm, mex, 0.62)
    far, _c, _d = _pair(gtm, mex, 0.93)
    c = f.verified_client(gtm)
    page = c.get("/coincidencias/revision/").content.decode()
    assert f"/coincidencias/revision/{near.pk}/" in page and f"/coincidencias/revision/{far.pk}/" in page
    assert page.index(f"/coincidencias/revision/{near.pk}/") < page.index(f"/coincidencias/revision/{far.pk}/")
    assert f"/coincidencias/revision/{sure.pk}/" not in page  # near-certain: hit list only
    # Mexico's reviewers see their own side only
    mex_page = f.verified_client(mex).get("/coincidencias/revision/").content.decode()
    assert f"/coincidencias/revision/{near.pk}/" not in mex_page
    r = c.post(f"/coincidencias/revision/{near.pk}/", {"verdict": "same", "note": "mismo pasaporte"})
    assert r.status_code == 302
    near.refresh_from_db()
    assert near.status == HitNotice.Status.SAME
    # the engine scores the pair again: the judged pair is not proposed again
    do_record_hit(mine, mine.to_match_record(), theirs, theirs.to_match_record(), 0.55, {"doc_number": "exact"})
    page = c.get("/coincidencias/revision/").content.decode()
    assert f"/coincidencias/revision/{near.pk}/" not in page and f"/coincidencias/revision/{far.pk}/" in page
    # a bad answer is a message, not a 500; another country's notice is a 404
    assert c.post(f"/coincidencias/revision/{far.pk}/", {"verdict": "quizá"}).status_code == 302
    m_side = HitNotice.objects.unrestricted(reason="test").get(own_record_id=near.other_record_id)
    assert c.post(f"/coincidencias/revision/{m_side.pk}/", {"verdict": "same"}).status_code == 404
    # the judgement is a label for the next estimation
    from enlace.matching.management.commands import __name__ as _pkg  # noqa: F401
    import importlib

    cmd = importlib.import_module("enlace.matching.management.commands.train-matching")
    _records, labels = cmd.platform_records_and_labels()
    assert len(labels) == 1 and {labels[0][0]["record_id"], labels[0][1]["record_id"]} == {
        near.own_record_id, near.other_record_id}


@pytest.mark.django_db
def test_review_queue_runs_constant_queries(model_dir):
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    _pair(gtm, mex, 0.7)
    assert_constant_queries(f.verified_client(gtm), "/coincidencias/revision/",
                            lambda n: [_pair(gtm, mex, 0.6 + i / 100) for i in range(n)], more=4)


@pytest.mark.django_db
def test_every_hit_records_the_model_in_use(model_dir):
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    notice, _a, _b = _pair(gtm, mex, 0.97)
    assert notice.model_version == current_version() == load_model(MODEL_PATH).version


# --- bad input: the previous model stays in use --------------------------------------------------------

@pytest.mark.django_db
def test_train_matching_with_too_few_records_keeps_the_previous_model(model_dir):
    with pytest.raises(CommandError, match="anterior sigue en uso"):
        call_command("train-matching", stdout=io.StringIO())
    assert current_model_path() is None and load_model().version == load_model(MODEL_PATH).version


@pytest.mark.django_db
def test_a_model_of_another_version_is_refused(model_dir, estimated):
    d, plain, _taught = estimated
    call_command("train-matching", "--install", str(d / "plain.json"), stdout=io.StringIO())
    assert current_version() == plain["version"]
    data = json.loads((d / "plain.json").read_text())
    data["meta"]["engine_version"] = "0"
    other = model_dir / "old.json"
    other.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="engine version"):
        load_model(str(other))
    with pytest.raises(CommandError, match="anterior sigue en uso"):
        call_command("train-matching", "--install", str(other), stdout=io.StringIO())
    assert current_version() == plain["version"]
    broken = model_dir / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("train-matching", "--install", str(broken), stdout=io.StringIO())
    assert current_version() == plain["version"]


def test_train_matching_from_csv_writes_a_versioned_model_with_offline_charts(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "models"))
    monkeypatch.setattr(est, "U_RANDOM_PAIRS", 100_000)
    path = tmp_path / "records.csv"
    data = _generated(2_500, seed=5)
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, list(data[0][0]))
        w.writeheader()
        w.writerows(r for r, _t in data)
    out = io.StringIO()
    call_command("train-matching", "--csv", str(path), stdout=out)
    version = current_version()
    assert version in out.getvalue() and "(en uso)" in out.getvalue()
    charts = tmp_path / "models" / f"charts-{version}"
    for name in ("index.html", "m_u.svg", "match_weights.svg", "unlinkables.svg"):
        text = (charts / name).read_text()
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    meta = load_model().meta
    assert meta["training_records"] == 2_500 and meta["source"] == "data" and meta["records_from"] == "csv"

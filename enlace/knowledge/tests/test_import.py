"""The import compared with the source texts, through the ``import-knowledge`` command."""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from enlace.knowledge.actions import BUNDLED_SEEDS, SEED_FILES, seeds_dir
from enlace.knowledge.models import Axis, ImportRun, Meeting, PlanAction, Recommendation, SourceDocument

pytestmark = pytest.mark.django_db

TIM_COUNTS = [55, 33, 41, 15, 5]
TDP_COUNTS = [23, 58, 0, 46, 44, 22, 2, 2]
ROMAN_SUBITEMS = {"i", "ii", "iii", "iv", "v", "vi"}


def source(name):
    return (BUNDLED_SEEDS / SEED_FILES[name]).read_text(encoding="utf-8")


def numbered_lines_per_meeting(text):
    """What a reader counts in the source: the ``N.`` lines under each ``<roman>. … reunión`` heading."""
    counts, lines = [], {}
    for raw in text.splitlines():
        s = re.sub(r"^\s*-?\s*", "", raw)
        if re.match(r"^[IVX]+\.\s+\w+\s+reunión", s):
            counts.append(0)
            continue
        m = re.match(r"^(\d+)\.\s+(.*)$", s)
        if m and counts:
            counts[-1] += 1
            lines[(len(counts), int(m.group(1)))] = m.group(2).strip()
    return counts, lines


def lettered_lines(text):
    """(lettered sub-items, roman sub-sub-items) as a reader counts them: a), b), c)… restart at each number."""
    letters, romans, expected = 0, 0, "a"
    for raw in text.splitlines():
        s = re.sub(r"^\s*-?\s*", "", raw)
        if re.match(r"^\d+\.\s", s):
            expected = "a"
            continue
        m = re.match(r"^([a-z]+)\)\s", s)
        if not m:
            continue
        if m.group(1) == expected:
            letters += 1
            expected = chr(ord(expected) + 1)
        elif m.group(1) in ROMAN_SUBITEMS:
            romans += 1
    return letters, romans


def test_bundled_seeds_are_the_shared_ones():
    shared = Path(__file__).resolve().parents[4] / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside the repository")
    for name in SEED_FILES.values():
        assert (shared / name).read_bytes() == (BUNDLED_SEEDS / name).read_bytes()


@pytest.mark.parametrize("group,name,expected", [("tim", "tim", TIM_COUNTS), ("tdp", "tdp", TDP_COUNTS)])
def test_recommendation_counts_match_the_source(group, name, expected):
    counts, lines = numbered_lines_per_meeting(source(name))
    assert counts == expected
    db_counts = [Recommendation.objects.filter(meeting__group=group, meeting__ordinal=i + 1, parent__isnull=True,
                                               withdrawn=False).count() for i in range(len(expected))]
    assert db_counts == expected
    assert sum(db_counts) == {"tim": 149, "tdp": 197}[group]
    # Exact Spanish text: each recommendation starts with its numbered line of the source.
    for (meeting, number), text in lines.items():
        rec = Recommendation.objects.get(meeting__group=group, meeting__ordinal=meeting, number=number,
                                         parent__isnull=True)
        assert rec.text.startswith(text), rec.key


@pytest.mark.parametrize("group,name,expected_items", [("tim", "tim", 25), ("tdp", "tdp", 110)])
def test_every_lettered_subitem_is_imported(group, name, expected_items):
    letters, romans = lettered_lines(source(name))
    # i), ii)… inside a lettered item (TDP IV-46 i and j) are part of that item, not sub-items.
    assert letters == expected_items
    assert romans == (9 if group == "tdp" else 0)
    items = Recommendation.objects.filter(meeting__group=group, parent__isnull=False)
    assert items.count() == expected_items
    for item in items.select_related("parent"):
        assert item.key == f"{item.parent.key}-{item.letter}"
    assert Recommendation.objects.get(key="TDP-I-12-d").text.startswith(
        "asegurar que se disponga de procedimientos apropiados para proteger la confidencialidad")
    rec = Recommendation.objects.get(key="TDP-IV-46-i")
    assert "i) disposiciones que permitan a las víctimas iniciar una acción civil" in rec.text
    assert list(Recommendation.objects.get(key="TIM-II-8").children.order_by("order").values_list(
        "letter", flat=True)) == ["a", "b", "c", "d", "e"]


def test_citation_keys_meetings_and_footnotes():
    assert Recommendation.objects.get(key="TIM-II-24").text.startswith("Se alienta a los Estados partes a que velen")
    m = Meeting.objects.get(group="tim", ordinal=2)
    assert (m.roman, m.place, m.year) == ("II", "Viena", 2013)
    assert "11 al 13 de noviembre de 2013" in m.dates
    third = Meeting.objects.get(group="tdp", ordinal=3)
    assert third.recommendations.count() == 0
    assert third.note.startswith("El Grupo de Trabajo sobre la Trata de Personas hizo suyas las recomendaciones")
    notes = Recommendation.objects.get(key="TDP-II-46").footnotes
    assert notes[0]["number"] == 5 and "victimización secundaria" in notes[0]["text"]
    doc = SourceDocument.objects.get(code="tim")
    assert doc.date == "21 de junio de 2019" and "CTOC/COP/WG.7/2019/4" in doc.related_symbols
    # The page-broken paragraph of TDP II-44 stays in its recommendation.
    assert "utilizar instrumentos de asistencia técnica" in Recommendation.objects.get(key="TDP-II-44").text


def test_work_plan_structure_matches_the_source():
    axes = Axis.objects.filter(document__code="plan-2019").order_by("number")
    assert [a.number for a in axes] == [1, 2, 3, 4]
    assert [a.actions.count() for a in axes] == [15, 4, 9, 9]
    assert axes[1].title == "Cooperación judicial transfronteriza"
    assert axes[0].commitment.startswith("Con el fin de conseguir el objetivo propuesto")
    assert axes[3].commitment == ""
    doc = SourceDocument.objects.get(code="plan-2019")
    assert doc.general_objective.startswith("El Plan de Trabajo en materia de tráfico ilícito de migrantes")
    kinds = list(doc.sections.values_list("kind", flat=True))
    assert kinds.count("approach") == 4 and kinds.count("vulnerable") == 9
    a = PlanAction.objects.get(key="1.4")
    assert a.text.startswith("Crear un directorio de contactos con los respectivos cargos de los funcionarios")
    assert [i["letter"] for i in PlanAction.objects.get(key="1.2").items] == ["a", "b"]
    # Footnotes go to the action whose text carries the marker.
    expected = {"1.1": [8], "1.7": [9], "1.13": [10], "4.4": [21], "4.6": [22], "2.2": []}
    expected.update({f"3.{n}": [n + 11] for n in range(1, 10)})
    for key, numbers in expected.items():
        assert [n["number"] for n in PlanAction.objects.get(key=key).footnotes] == numbers, key
    assert "WHIP⁸" in PlanAction.objects.get(key="1.1").text
    assert PlanAction.objects.get(key="3.6").footnotes[0]["text"] == "Inteligencia, nacionalidad y género."


def test_draft_is_superseded_and_linked_to_the_final_actions():
    draft = SourceDocument.objects.get(code="plan-2018")
    assert draft.superseded
    counts = [a.actions.count() for a in Axis.objects.filter(document=draft).order_by("number")]
    assert counts == [11, 8, 10, 9]
    links = dict(PlanAction.objects.filter(axis__document=draft).values_list("key", "successor__key"))
    assert links["2018-3.10"] == "3.9"
    assert links["2018-2.3"] == "1.13"
    assert links["2018-2.7"] == "2.3"
    assert links["2018-3.7"] is None  # "Armonizar o revisar el nivel de recursos…" did not survive


def test_command_prints_per_meeting_and_axis_and_is_idempotent():
    out = io.StringIO()
    before = Recommendation.objects.count()
    call_command("import-knowledge", stdout=out)
    text = out.getvalue()
    assert "Eje 1: 15 acciones" in text and "Eje 4: 9 acciones" in text
    assert "Reunión II: 33" in text and "Reunión III: 0" in text
    assert "Sin diferencias con la importación anterior." in text
    assert Recommendation.objects.count() == before


def test_changed_text_is_reported_as_differences_not_duplicated(tmp_path):
    for name in SEED_FILES.values():
        shutil.copy(BUNDLED_SEEDS / name, tmp_path / name)
    path = tmp_path / SEED_FILES["tim"]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("métodos de entrega vigilada", "métodos de entrega controlada"), encoding="utf-8")
    before = Recommendation.objects.count()
    out = io.StringIO()
    call_command("import-knowledge", "--seeds", str(tmp_path), stdout=out)
    assert "Diferencias con la importación anterior" in out.getvalue()
    assert "TIM-II-15 · text" in out.getvalue()
    assert Recommendation.objects.count() == before
    assert "entrega controlada" in Recommendation.objects.get(key="TIM-II-15").text
    assert any(d["key"] == "TIM-II-15" for d in ImportRun.objects.first().differences)


def test_broken_text_imports_nothing(tmp_path):
    for name in SEED_FILES.values():
        shutil.copy(BUNDLED_SEEDS / name, tmp_path / name)
    path = tmp_path / SEED_FILES["tdp"]
    path.write_text(path.read_text(encoding="utf-8").replace("\n3. A fin de comprender", "\n7. A fin de comprender"),
                    encoding="utf-8")
    runs = ImportRun.objects.count()
    with pytest.raises(CommandError, match="fuera de secuencia"):
        call_command("import-knowledge", "--seeds", str(tmp_path), stdout=io.StringIO())
    assert ImportRun.objects.count() == runs
    # The message is Spanish by default (a request served in English earlier must not decide it).
    with translation.override("es"), pytest.raises(CommandError, match="No se encontró"):
        call_command("import-knowledge", "--seeds", str(tmp_path / "nada"), stdout=io.StringIO())


def test_seeds_directory_resolution(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ENLACE_SEEDS_DIR", str(tmp_path))
    assert seeds_dir() == tmp_path
    monkeypatch.delenv("ENLACE_SEEDS_DIR")
    settings.BASE_DIR = tmp_path / "repo"  # no ../shared/seeds beside it
    assert seeds_dir() == BUNDLED_SEEDS
    assert seeds_dir("/x") == Path("/x")

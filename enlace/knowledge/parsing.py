"""Parsers of the seed texts into plain data structures (no database here).

* ``parse_plan(text)`` — the approved work plan 2019–2025 (seed 003): general objective,
  definitions, approaches, vulnerable populations, axes, actions with lettered sub-items and the
  footnotes attached to the element whose text carries the marker.
* ``parse_draft_plan(text)`` — the 2018 draft (seed 001, word-processor export with inline notes).
* ``parse_recommendations(text, group)`` — the UN working groups' compilations (seeds 000, 002):
  meetings, numbered recommendations, lettered sub-items (roman sub-sub-items stay inside their
  lettered item), footnotes, the explanatory note of a meeting that adopted none.

Every parser is strict about numbering: a gap or a jump is reported in ``warnings`` so that the
importer can refuse a text it does not understand instead of importing something half-right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
FROM_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
SUPERSCRIPT_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
SMALL_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}
ORDINALS = {"primera": 1, "segunda": 2, "tercera": 3, "cuarta": 4, "quinta": 5, "sexta": 6, "séptima": 7,
            "septima": 7, "octava": 8, "novena": 9, "décima": 10}


def superscript(n: int | str) -> str:
    return str(n).translate(SUPERSCRIPTS)


def markers_in(text: str) -> list[int]:
    return [int(m.group(0).translate(FROM_SUPERSCRIPTS)) for m in SUPERSCRIPT_RE.finditer(text)]


def _title(heading: str) -> str:
    """A heading as a title: capitalised, without the footnote markers its line carried."""
    return squash(SUPERSCRIPT_RE.sub("", heading)).capitalize()


def squash(text: str) -> str:
    """Join hard-wrapped lines: single spaces, no trailing blanks."""
    return re.sub(r"[ \t]+", " ", text.replace("\n", " ")).strip()


# --- data -------------------------------------------------------------------------------------


@dataclass
class Footnote:
    number: int
    text: str


@dataclass
class Item:
    letter: str
    text: str


@dataclass
class PlanAction:
    number: int
    text: str
    items: list[Item] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)


@dataclass
class PlanAxis:
    number: int
    title: str
    objective: str = ""
    commitment: str = ""
    footnotes: list[Footnote] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)


@dataclass
class PlanSection:
    kind: str  # objective | definition | approach | vulnerable
    title: str
    text: str
    footnotes: list[Footnote] = field(default_factory=list)


@dataclass
class Plan:
    general_objective: str = ""
    sections: list[PlanSection] = field(default_factory=list)
    axes: list[PlanAxis] = field(default_factory=list)
    footnotes: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Recommendation:
    number: int
    text: str
    items: list[Item] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)


@dataclass
class Meeting:
    ordinal: int
    roman: str
    heading: str
    place: str
    dates: str
    year: int | None
    note: str = ""
    recommendations: list[Recommendation] = field(default_factory=list)


@dataclass
class Compilation:
    group: str
    title: str = ""
    date: str = ""
    symbols: list[str] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _attach(footnotes: dict[int, str], text: str) -> list[Footnote]:
    return [Footnote(n, footnotes[n]) for n in markers_in(text) if n in footnotes]


# --- the approved work plan (seed 003) ----------------------------------------------------------

_LETTER = r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ\.\)”;]"


def _strip_plan_footnotes(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Remove the page-bottom footnote blocks (``N text``, numbered 1, 2, 3… in order)."""
    body, notes = [], {}
    last = 0
    current = None
    for line in lines:
        m = re.match(r"^(\d{1,2}) (\S.*)$", line)
        if m and last < int(m.group(1)) <= last + 3:
            # In order; a note whose text the source lost (the plan's note 1) is skipped over.
            current = last = int(m.group(1))
            notes[current] = m.group(2).strip()
            continue
        if current is not None:
            if line.strip() and not line[:1].isspace():
                notes[current] = f"{notes[current]} {line.strip()}"
                continue
            current = None
        body.append(line)
    return body, {k: squash(v) for k, v in notes.items()}


def _mark_plan_footnotes(text: str, numbers) -> str:
    """Turn the plain-digit markers (``WHIP8``, ``Migrantes 7``) into superscripts, in order."""
    pos = 0
    for n in sorted(numbers):
        pattern = re.compile(rf"(?<={_LETTER}){n}(?!\d)|(?<=\S) {n}(?=[ \t]*$)", re.M)
        m = pattern.search(text, pos)
        if m is None:
            continue
        text = text[:m.start()] + superscript(n) + text[m.end():]
        pos = m.start() + 1
    return text


def _paragraphs(lines: list[str]) -> list[str]:
    out, cur = [], []
    for line in lines:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(squash(" ".join(cur)))
            cur = []
    if cur:
        out.append(squash(" ".join(cur)))
    return out


def _parse_actions(lines: list[str], axis: PlanAxis, plan: Plan, footnotes) -> None:
    current: PlanAction | None = None
    target = None  # the Item or PlanAction that continuation lines extend
    for line in lines:
        s = line.strip()
        if not s:
            continue
        m = re.match(r"^(\d+)\.\s+(.*)$", s)
        if m:
            number = int(m.group(1))
            if number != len(axis.actions) + 1:
                plan.warnings.append(f"Eje {axis.number}: acción {number} fuera de secuencia")
            current = PlanAction(number, m.group(2).strip())
            axis.actions.append(current)
            target = current
            continue
        m = re.match(r"^([a-z])[\.\)]\s+(.*)$", s)
        if m and current is not None:
            item = Item(m.group(1), m.group(2).strip())
            current.items.append(item)
            target = item
            continue
        if target is None:
            plan.warnings.append(f"Eje {axis.number}: texto sin acción: {s[:40]}")
            continue
        target.text = f"{target.text} {s}"
    for action in axis.actions:
        action.text = squash(action.text)
        for item in action.items:
            item.text = squash(item.text)
        action.footnotes = _attach(footnotes, " ".join([action.text] + [i.text for i in action.items]))


def parse_plan(text: str) -> Plan:
    plan = Plan()
    lines = text.splitlines()
    body, footnotes = _strip_plan_footnotes(lines)
    plan.footnotes = footnotes
    marked = _mark_plan_footnotes("\n".join(body), footnotes.keys())
    body = marked.split("\n")

    def find(pred, start=0):
        for i in range(start, len(body)):
            if pred(body[i].strip()):
                return i
        return -1

    i_defs = find(lambda s: s.startswith("DEFINICIONES, ENFOQUES"))
    i_plan = find(lambda s: s == "PLAN DE TRABAJO", i_defs + 1)
    i_obj = find(lambda s: s == "OBJETIVO GENERAL", i_plan + 1)
    if min(i_defs, i_plan, i_obj) < 0:
        plan.warnings.append("No se encontraron las secciones del plan (definiciones, plan de trabajo, objetivo general).")
        return plan

    # Definitions and approaches: upper-case headings, each followed by its text.
    heading = None
    chunk: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in body[i_defs + 2:i_plan]:
        s = line.strip()
        if s and s == s.upper() and re.search(r"[A-ZÁÉÍÓÚ]{4}", s) and not s.startswith("-"):
            if heading:
                sections.append((heading, chunk))
            heading, chunk = s, []
        elif heading:
            chunk.append(line)
    if heading:
        sections.append((heading, chunk))
    for title, chunk in sections:
        if title.startswith("CONDICIONES DE VULNERABILIDAD"):
            intro, items, cur = [], [], None
            for line in chunk:
                s = line.strip()
                if s.startswith("-"):
                    cur = [s.lstrip("- ").strip()]
                    items.append(cur)
                elif s and cur is not None:
                    cur.append(s)
                elif s:
                    intro.append(line)
                elif cur is not None:
                    cur = None
            text_ = "\n\n".join(_paragraphs(intro))
            plan.sections.append(PlanSection("definition", _title(title), text_, _attach(footnotes, f"{title} {text_}")))
            for it in items:
                t = squash(" ".join(it))
                plan.sections.append(PlanSection("vulnerable", "", t, _attach(footnotes, t)))
            continue
        kind = "approach" if title.startswith("ENFOQUE") else "definition"
        text_ = "\n\n".join(_paragraphs(chunk))
        plan.sections.append(PlanSection(kind, _title(title), text_, _attach(footnotes, f"{title} {text_}")))

    plan.general_objective = "\n\n".join(_paragraphs(body[i_plan + 1:i_obj]))
    plan.sections.insert(0, PlanSection("objective", "Objetivo general", plan.general_objective,
                                        _attach(footnotes, plan.general_objective)))

    # Axes.
    starts = [i for i in range(i_obj, len(body)) if re.match(r"^\s*EJE (\d+):\s*$", body[i])]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(body)
        number = int(re.match(r"^\s*EJE (\d+):", body[start]).group(1))
        block = body[start + 1:end]
        idx = {name: next((j for j, l in enumerate(block) if l.strip().startswith(name)), -1)
               for name in ("Objetivo:", "Compromiso:", "Acciones:")}
        first = min(v for v in idx.values() if v >= 0)
        raw_title = squash(" ".join(l.strip() for l in block[:first] if l.strip()))
        # A footnote marker belongs to the note, not to the title ("Migrantes⁷" → "Migrantes").
        axis = PlanAxis(number, squash(SUPERSCRIPT_RE.sub("", raw_title)))
        bounds = sorted((v, name) for name, v in idx.items() if v >= 0) + [(len(block), "")]
        parts = {}
        for (a, name), (b, _n) in zip(bounds, bounds[1:]):
            parts[name] = block[a + 1:b]
        axis.objective = "\n\n".join(_paragraphs(parts.get("Objetivo:", [])))
        axis.commitment = "\n\n".join(_paragraphs(parts.get("Compromiso:", [])))
        axis.footnotes = _attach(footnotes, " ".join([raw_title, axis.objective, axis.commitment]))
        _parse_actions(parts.get("Acciones:", []), axis, plan, footnotes)
        if number != len(plan.axes) + 1:
            plan.warnings.append(f"Eje {number} fuera de secuencia")
        plan.axes.append(axis)
    return plan


# --- the 2018 draft (seed 001) ----------------------------------------------------------------


def parse_draft_plan(text: str) -> Plan:
    plan = Plan()
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text)
    notes = {}

    def note(m):
        notes[int(m.group(1))] = squash(m.group(2))
        return ""

    text = re.sub(r"\s*\[(\d+):\s+(.*?)\]", note, text)
    text = re.sub(r"\[footnoteRef:(\d+)\]", lambda m: superscript(m.group(1)), text)
    plan.footnotes = notes
    lines = text.splitlines()
    i_obj = next((i for i, l in enumerate(lines) if l.strip() == "OBJETIVO GENERAL"), -1)
    starts = [i for i, l in enumerate(lines) if re.match(r"^Eje (\d+): ", l.strip())]
    if i_obj >= 0 and starts:
        plan.general_objective = "\n\n".join(_paragraphs(lines[i_obj + 1:starts[0]])).replace(
            "\n\nEJES, COMPROMISOS Y ACCIONES", "")
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        m = re.match(r"^Eje (\d+): (.*)$", lines[start].strip())
        axis = PlanAxis(int(m.group(1)), squash(SUPERSCRIPT_RE.sub("", m.group(2))))
        block = lines[start + 1:end]
        action_lines = []
        in_actions = False
        for line in block:
            s = line.strip()
            if s.startswith("Objetivo:"):
                axis.objective = squash(s[len("Objetivo:"):])
            elif s.startswith("Compromiso:"):
                axis.commitment = squash(s[len("Compromiso:"):])
            elif s.startswith("Acciones:"):
                in_actions = True
            elif in_actions:
                action_lines.append(line)
        _parse_actions(action_lines, axis, plan, notes)
        plan.axes.append(axis)
    return plan


# --- UN working-group compilations (seeds 000 and 002) ----------------------------------------

_MEETING_RE = re.compile(r"^([IVX]+)\.\s+(\w+)\s+reunión[,:]\s*(.*)$")


def _meeting_from_heading(m) -> Meeting:
    roman, ordinal_word, rest = m.group(1), m.group(2).lower(), m.group(3).strip()
    ordinal = ROMAN.index(roman) + 1 if roman in ROMAN else ORDINALS.get(ordinal_word, 0)
    place, dates = "", rest
    pm = re.match(r"^celebrada en (\w+) (.*)$", rest)
    if pm:
        place, dates = pm.group(1), pm.group(2)
    else:
        pm = re.match(r"^([^,]+),\s*(.*)$", rest)
        if pm:
            place, dates = pm.group(1), pm.group(2)
    years = re.findall(r"\b(19\d\d|20\d\d)\b", rest)
    return Meeting(ordinal=ordinal, roman=roman, heading=m.group(0).strip(), place=place.strip(),
                   dates=dates.strip(), year=int(years[-1]) if years else None)


def parse_recommendations(text: str, group: str) -> Compilation:
    comp = Compilation(group=group)
    lines = text.splitlines()
    meeting: Meeting | None = None
    rec: Recommendation | None = None
    target = None
    header: list[str] = []
    pending_notes: list[tuple[int, str, Meeting]] = []
    last_note: list | None = None
    for raw in lines:
        s = raw.strip()
        if not s:
            last_note = None
            continue
        s_clean = re.sub(r"^-\s*", "", s)
        m = _MEETING_RE.match(s)
        if m:
            meeting = _meeting_from_heading(m)
            comp.meetings.append(meeting)
            rec, target, last_note = None, None, None
            if meeting.ordinal != len(comp.meetings):
                comp.warnings.append(f"Reunión {meeting.roman} fuera de secuencia")
            continue
        if meeting is None:
            header.append(s)
            continue
        m = re.match(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s+(.*)$", s)
        if m:
            entry = [int(m.group(1).translate(FROM_SUPERSCRIPTS)), m.group(2).strip(), meeting]
            pending_notes.append(entry)
            last_note = entry
            continue
        if last_note is not None and not re.match(r"^(\d+\.|[a-z]+\))\s", s_clean):
            last_note[1] = f"{last_note[1]} {s}"
            continue
        m = re.match(r"^(\d+)\.\s+(.*)$", s_clean)
        if m:
            number = int(m.group(1))
            if number != len(meeting.recommendations) + 1:
                comp.warnings.append(f"Reunión {meeting.roman}: recomendación {number} fuera de secuencia")
            rec = Recommendation(number, m.group(2).strip())
            meeting.recommendations.append(rec)
            target = rec
            continue
        m = re.match(r"^([a-z]+)\)\s+(.*)$", s_clean)
        if m and rec is not None:
            label, body = m.group(1), m.group(2).strip()
            expected = chr(ord(rec.items[-1].letter) + 1) if rec.items else "a"
            if label == expected:
                item = Item(label, body)
                rec.items.append(item)
                target = item
                continue
            if label in SMALL_ROMAN and rec.items:
                # i), ii), iii)… inside a lettered item: part of that item's text.
                rec.items[-1].text = f"{rec.items[-1].text}\n{label}) {body}"
                target = rec.items[-1]
                continue
            comp.warnings.append(f"Reunión {meeting.roman}, recomendación {rec.number}: apartado {label}) inesperado")
            target.text = f"{target.text}\n{s_clean}"
            continue
        if rec is None:
            meeting.note = f"{meeting.note} {s}".strip()
            continue
        # A paragraph broken by a page: continue the last item or recommendation.
        target.text = f"{target.text} {s}"
    comp.title = next((h for h in header if h.startswith("Recomendaciones aprobadas")), "")
    comp.date = next((h for h in header if re.match(r"^\d{1,2} de \w+ de \d{4}$", h)), "")
    comp.symbols = sorted(set(re.findall(r"CTOC/COP/WG\.\d+/\d{4}/\d+", "\n".join(header))))
    for number, note_text, mtg in pending_notes:
        owner = None
        for r in mtg.recommendations:
            if number in markers_in(" ".join([r.text] + [i.text for i in r.items])):
                owner = r
                break
        if owner is None:
            comp.warnings.append(f"Nota {number} sin recomendación")
            continue
        owner.footnotes.append(Footnote(number, squash(note_text)))
    return comp


def citation_prefix(group: str) -> str:
    return {"tim": "TIM", "tdp": "TDP"}[group]


def citation_key(group: str, meeting_ordinal: int, number: int, letter: str = "") -> str:
    key = f"{citation_prefix(group)}-{ROMAN[meeting_ordinal - 1]}-{number}"
    return f"{key}-{letter}" if letter else key


def normalize_key(key: str) -> str:
    """``tim-ii-24-A`` → ``TIM-II-24-a`` (prefix and meeting upper-case, sub-item letter lower-case)."""
    parts = str(key).strip().split("-")
    if len(parts) < 3:
        return str(key).strip().upper()
    head = [parts[0].upper(), parts[1].upper(), parts[2]]
    return "-".join(head + [p.lower() for p in parts[3:]])

#!/usr/bin/env python
"""A second, independent generator of person records, written from other assumptions than generate.py.

    python bench/linkage/sources/alt_generator.py -n 100000 --seed 7 -o bench/out/alt-100k.csv

Same 11 columns and the same ``(record, truth)`` interface as ``bench/linkage/generate.py``
(``generate(n, seed)`` yields pairs; ``write(path, n, seed)`` writes ``.csv`` and ``.truth.csv``),
so the benchmark can score the engine on it.  Its author did not read the engine or its model:
the point is to measure on data nobody tuned to.  Names, rates and error styles are its own,
taken from what registers of the region are described as (rates per record unless stated):

* people: a flow weighted towards Venezuela, Haiti, Cuba, Ecuador, Colombia, Honduras and
  Guatemala, with Brazilians (Portuguese order: mother's surname first, father's last), Indians,
  Chinese, Cameroonians and Senegalese; own name lists with a heavy head (namesakes: "José Luis
  Hernández López" is common) and a long tail of rare syllable-built names (25 % of given names,
  35 % of surnames: most people share their full name with nobody);
* records per person: geometric (p = 0.5), capped at 7, mostly in different countries;
* date of birth: day unknown written as 1 January of the right year (12 %), written as 1 July
  (2 %), computed from a declared age (registration year − age, 3 %), missing (7 %), day and
  month swapped (4 % when possible), two digits of the year transposed (1 %);
* names: upper case (45 %), accents dropped (60 %), second given name dropped (20 %) or only
  the second given name (6 %), second surname missing (16 %), surnames in swapped order (4 %),
  both surnames in ``surname_1`` (3 %), a married woman's "DE <husband's surname>" (2 % of women),
  transliteration variants (Mohamed/Muhammad, Jean/Jan, Xiao/Siao), OCR confusions (rn→m,
  cl→d, 1/l) 2 %, keyboard typos (neighbouring key) 4 %;
* name-only records: 11 % carry no date, document or phone at all;
* documents (50 %): passport numbers with and without spaces or dashes, leading zeros dropped
  (3 %), O/0 confusion (1 %), a fraudulent document of another nationality (5 % of people use
  one in some records);
* phones (45 %): national form, +CC, 00CC, with spaces; families share a phone; a smuggler's
  phone written down for several unrelated migrants (3 % of records) — a hard negative;
* hard negatives: twins (1.5 % of families: same surnames, date, place; different given names),
  siblings 1–6 years apart, and namesakes (same common full name, dates within 3 years).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import unicodedata

COLUMNS = ["record_id", "source_country", "given_names", "surname_1", "surname_2", "sex", "dob", "nationality",
           "doc_type", "doc_number", "phone"]
TRUTH_COLUMNS = ["record_id", "cluster_id", "family_id", "relation"]
REGISTERED = dt.date(2025, 3, 1)
COUNTRIES = ["MEX", "GTM", "HND", "SLV", "NIC", "CRI", "PAN", "BLZ", "DOM", "USA", "CAN"]
DIAL = {"VEN": "58", "HTI": "509", "CUB": "53", "ECU": "593", "COL": "57", "HND": "504", "GTM": "502", "BRA": "55",
        "IND": "91", "CHN": "86", "CMR": "237", "SEN": "221", "MEX": "52", "SLV": "503", "NIC": "505"}

# nationality -> (weight, naming style)
FLOW = {"VEN": (24, "es"), "HTI": (12, "fr"), "CUB": (9, "es"), "ECU": (9, "es"), "COL": (8, "es"),
        "HND": (10, "es"), "GTM": (8, "es"), "SLV": (3, "es"), "NIC": (3, "es"), "MEX": (3, "es"),
        "BRA": (3, "pt"), "IND": (3, "in"), "CHN": (2, "zh"), "CMR": (2, "fr_af"), "SEN": (1, "fr_af")}

GIVEN = {
    "es": {"M": "José Luis|Juan Carlos|Luis Ángel|Carlos|Jesús|Miguel Ángel|José|Jorge Luis|Kevin|Brayan|Yeison|"
                "Anderson|Wilmer|Darwin|Eduardo|Andrés Felipe|Jhon Fredy|Elvis|Franklin|Rigoberto|Maikel|Yoel|"
                "Osmany|Reinaldo|Alexis|Cristian|Dayron|Edwin|Fabián|Gerson",
           "F": "María José|Yuliana|María Fernanda|Ana Lucía|Daniela|Yesenia|Karla Patricia|Dayana|Mayerlin|"
                "Yanet|Yamilé|Leidy Johana|Rosa María|Marisol|Génesis|Nayeli|Wendy|Yaritza|Dania|Kenia|"
                "Ingrid|Lisbeth|Odalys|Yordanka|Milagros"},
    "pt": {"M": "João Pedro|Luiz Carlos|Thiago|Gabriel|Rafael|Antônio|Francisco",
           "F": "Ana Clara|Maria Eduarda|Juliana|Fernanda|Aline|Luana"},
    "fr": {"M": "Jean Robert|Jean Claude|Wilner|Frantz|Jacques|Peterson|Wisly|Jean Baptiste|Mackenson|Jimmy",
           "F": "Marie Carmelle|Roseline|Nadège|Guerline|Fabiola|Mirlande|Esther|Wideline"},
    "fr_af": {"M": "Mamadou|Moussa|Ibrahima|Mohamed|Cheikh|Serge|Boris|Abdoulaye",
              "F": "Fatou|Aminata|Awa|Mariama|Christelle|Aïssatou"},
    "in": {"M": "Gurpreet Singh|Harpreet Singh|Manpreet|Rajesh Kumar|Amit|Sandeep", "F": "Simran|Priya|Harjit Kaur"},
    "zh": {"M": "Wei|Jian Guo|Xiao Long|Hao|Jun", "F": "Li Na|Xiao Mei|Fang|Ying"},
}
SURNAMES = {
    "es": "Hernández|González|Rodríguez|Martínez|López|Pérez|García|Ramírez|Flores|Torres|Díaz|Morales|Reyes|"
          "Cruz|Ortiz|Gutiérrez|Castillo|Mendoza|Rojas|Vargas|Medina|Herrera|Aguilar|Chávez|Sánchez|Romero|"
          "Guerrero|Paredes|Quispe|Zambrano|Cedeño|Villalobos|Betancourt|Urdaneta|Carrasquel|Yépez|Mosquera|"
          "Caicedo|Valdés|Cabrera|Ixcoy|Tzul|Cutz|Pop|Xol|Coc|Chub|Maldonado|Escobar|Pineda",
    "pt": "Silva|Santos|Oliveira|Souza|Lima|Pereira|Carvalho|Almeida|Ferreira|Rodrigues",
    "fr": "Jean|Pierre|Joseph|Louis|Charles|Baptiste|Desir|Saint-Fleur|Dorvil|Toussaint|Exantus|Metellus",
    "fr_af": "Diallo|Ndiaye|Diop|Fall|Ngono|Mbarga|Fotso|Sow",
    "in": "Singh|Kumar|Patel|Sharma|Kaur",
    "zh": "Wang|Li|Zhang|Liu|Chen|Huang",
}
VARIANTS = [("Mohamed", "Muhammad"), ("Mohamed", "Mohammed"), ("Jean", "Jan"), ("Xiao", "Siao"), ("Yeison", "Jeison"),
            ("Brayan", "Brian"), ("Jhon", "John"), ("Yuliana", "Juliana"), ("Maikel", "Michael"), ("Yoel", "Joel"),
            ("Wilner", "Vilner"), ("Kenia", "Kenya"), ("Gurpreet", "Gurprit"), ("Jian", "Chian")]
OCR = [("rn", "m"), ("cl", "d"), ("l", "1"), ("O", "0"), ("ii", "u")]
KEYS = "qwertyuiopasdfghjklzxcvbnm"


SYLLABLES = {"es": "ca|ra|mi|lo|ven|dal|to|ri|qui|ño|bel|tra|gua|man|za|ler|cas|ti|llo|mon|ju|de|sa|vi|ne|go|bar",
             "other": "ka|lo|mi|ndi|sou|ba|te|ro|an|el|fa|ma|ri|do|zhu|xin|pra|je|ol|tan"}


def _rare(rng: random.Random, style: str) -> str:
    """A rare name built from syllables: the long tail real registers have (most people are not namesakes)."""
    parts = SYLLABLES["es" if style in ("es", "pt") else "other"].split("|")
    return "".join(rng.choice(parts) for _ in range(rng.choice([2, 3, 3]))).capitalize()


def _heavy(rng: random.Random, options: list[str], style: str = "es", tail: float = 0.35) -> str:
    """A name with a heavy head (namesakes are common) and a long tail of rare names (``tail`` share)."""
    if rng.random() < tail:
        return _rare(rng, style)
    weights = [1.0 / (i + 4) for i in range(len(options))]
    return rng.choices(options, weights=weights)[0]


def _plain(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


class Person:
    """One real person: the truth the records of several countries are written from."""

    def __init__(self, rng, pid, family, relation="", nat=None, surnames=None, dob=None, sex=None, phone=None):
        self.pid, self.family, self.relation = pid, family, relation
        self.nat = nat or rng.choices(list(FLOW), weights=[w for w, _ in FLOW.values()])[0]
        self.style = FLOW[self.nat][1]
        self.sex = sex or rng.choice("MF")
        self.given = _heavy(rng, GIVEN[self.style][self.sex].split("|"), self.style, tail=0.25)
        pool = SURNAMES[self.style].split("|")
        if surnames is None:
            first = _heavy(rng, pool, self.style)
            second = _heavy(rng, pool, self.style) if self.style in ("es", "pt") else ""
            if self.style == "pt":  # Portuguese order: mother's surname first, father's last
                first, second = second, first
            surnames = (first, second)
        self.surnames = surnames
        self.dob = dob or REGISTERED - dt.timedelta(days=rng.randint(14 * 365, 60 * 365))
        self.passport = self._number(rng)
        self.fake = self._number(rng, other=True) if rng.random() < 0.05 else None
        self.phone = phone or (DIAL.get(self.nat, "1"), "".join(rng.choice("0123456789") for _ in range(8)))

    def _number(self, rng, other=False) -> str:
        prefix = rng.choice(["", "", "A", "P", "0", "00"]) if not other else rng.choice(["X", "B", "C"])
        return prefix + "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8, 9])))


def _typo(rng, w: str) -> str:
    if len(w) < 3:
        return w
    i = rng.randrange(1, len(w) - 1)
    k = KEYS.find(w[i].lower())
    repl = KEYS[max(0, min(len(KEYS) - 1, k + rng.choice([-1, 1])))] if k >= 0 else w[i]
    return w[:i] + repl + w[i + 1:]


def _name_noise(rng, w: str) -> str:
    for a, b in VARIANTS:
        if a in w and rng.random() < 0.3:
            w = w.replace(a, b)
            break
    if rng.random() < 0.02:
        a, b = rng.choice(OCR)
        w = w.replace(a, b, 1)
    if rng.random() < 0.04:
        w = _typo(rng, w)
    return w


def _write_name(rng, text: str, upper: bool, plain: bool) -> str:
    if plain:
        text = _plain(text)
    return text.upper() if upper else text


def _dob(rng, p: Person) -> str:
    d = p.dob
    r = rng.random()
    if r < 0.07:
        return ""
    if r < 0.19:
        return f"{d.year}-01-01"
    if r < 0.21:
        return f"{d.year}-07-01"
    if r < 0.24:
        age = (REGISTERED - d).days // 365
        return f"{REGISTERED.year - age}-01-01"
    if r < 0.28 and d.day <= 12:
        return dt.date(d.year, d.day, d.month).isoformat()
    if r < 0.29:
        y = str(d.year)
        swapped = y[:2] + y[3] + y[2]
        try:
            return dt.date(int(swapped), d.month, d.day).isoformat()
        except ValueError:
            return d.isoformat()
    return d.isoformat()


def _doc(rng, p: Person) -> tuple[str, str]:
    number = p.fake if p.fake and rng.random() < 0.5 else p.passport
    if rng.random() < 0.03:
        number = number.lstrip("0") or number
    if rng.random() < 0.01:
        number = number.replace("0", "O", 1)
    if rng.random() < 0.3 and len(number) > 5:
        sep = rng.choice([" ", "-"])
        number = number[:3] + sep + number[3:]
    return rng.choice(["PASAPORTE", "PASSPORT", "PAS", "P"]), number


def _phone(rng, p: Person, smugglers: list[tuple[str, str]]) -> str:
    cc, national = rng.choice(smugglers) if rng.random() < 0.03 else p.phone
    form = rng.random()
    if form < 0.35:
        return f"+{cc}{national}"
    if form < 0.55:
        return f"00{cc} {national[:4]} {national[4:]}"
    if form < 0.8:
        return national
    return f"({cc}) {national[:4]}-{national[4:]}"


def make_record(rng, p: Person, country: str, rid: str, smugglers) -> dict:
    upper = rng.random() < 0.45
    plain = rng.random() < 0.6
    parts = p.given.split()
    r = rng.random()
    if len(parts) > 1 and r < 0.20:
        parts = parts[:1]
    elif len(parts) > 1 and r < 0.26:
        parts = parts[1:]
    given = " ".join(_name_noise(rng, w) for w in parts)
    s1, s2 = (_name_noise(rng, s) if s else s for s in p.surnames)
    r = rng.random()
    if s2 and r < 0.16:
        s2 = ""
    elif s2 and r < 0.20:
        s1, s2 = s2, s1
    elif s2 and r < 0.23:
        s1, s2 = f"{s1} {s2}", ""
    if p.sex == "F" and rng.random() < 0.02:
        s2 = f"de {_heavy(rng, SURNAMES['es'].split('|'))}"
    name_only = rng.random() < 0.11
    dob = "" if name_only else _dob(rng, p)
    doc_type, doc = ("", "") if name_only or rng.random() >= 0.5 else _doc(rng, p)
    phone = "" if name_only or rng.random() >= 0.45 else _phone(rng, p, smugglers)
    sex = "" if rng.random() < 0.08 else p.sex
    nat = "" if rng.random() < 0.12 else p.nat
    return {"record_id": rid, "source_country": country, "given_names": _write_name(rng, given, upper, plain),
            "surname_1": _write_name(rng, s1, upper, plain), "surname_2": _write_name(rng, s2, upper, plain),
            "sex": sex, "dob": dob, "nationality": nat, "doc_type": doc_type, "doc_number": doc, "phone": phone}


def _family(rng, pid: int) -> list[Person]:
    base = Person(rng, pid, pid)
    group = [base]
    r = rng.random()
    if r < 0.015:  # twins: same surnames, same date, different given names
        twin = Person(rng, pid + 1, pid, "twin", nat=base.nat, surnames=base.surnames, dob=base.dob, phone=base.phone)
        while twin.given == base.given:
            twin.given = _heavy(rng, GIVEN[twin.style][twin.sex].split("|"), twin.style, tail=0.25)
        base.relation = "twin"
        group.append(twin)
    elif r < 0.10:  # siblings 1-6 years apart, often one family phone
        for k in range(rng.choice([1, 1, 2])):
            sib = Person(rng, pid + 1 + k, pid, "sibling", nat=base.nat, surnames=base.surnames,
                         dob=base.dob + dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(365, 6 * 365)),
                         phone=base.phone if rng.random() < 0.6 else None)
            group.append(sib)
        base.relation = "sibling"
    elif r < 0.13:  # a namesake: same common full name, another person, date within 3 years
        other = Person(rng, pid + 1, pid + 1, "namesake", nat=base.nat, surnames=base.surnames, sex=base.sex,
                       dob=base.dob + dt.timedelta(days=rng.randint(-3 * 365, 3 * 365)))
        other.given = base.given
        base.relation = "namesake"
        group.append(other)
    return group


def generate(n_records: int, seed: int = 7):
    """Yield ``(record, truth)`` dict pairs, exactly ``n_records`` of them (deterministic per seed)."""
    rng = random.Random(seed)
    smugglers = [("52", "".join(rng.choice("0123456789") for _ in range(8))) for _ in range(40)]
    made = pid = 0
    while made < n_records:
        group = _family(rng, pid + 1)
        pid += len(group)
        route = rng.sample(COUNTRIES, k=7)
        for p in group:
            k = 1
            while k < 7 and rng.random() < 0.5:
                k += 1
            for i in range(k):
                if made >= n_records:
                    return
                made += 1
                country = route[i] if rng.random() < 0.85 else rng.choice(COUNTRIES)
                rec = make_record(rng, p, country, f"A{country}-{made:08d}", smugglers)
                yield rec, {"record_id": rec["record_id"], "cluster_id": p.pid, "family_id": p.family,
                            "relation": p.relation}


def write(path: str, n_records: int, seed: int = 7) -> tuple[str, str]:
    """Write the records and their ground truth (``<path>.truth.csv``); return both paths."""
    truth_path = path[:-4] + ".truth.csv" if path.endswith(".csv") else path + ".truth.csv"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fr, open(truth_path, "w", newline="", encoding="utf-8") as ft:
        wr, wt = csv.DictWriter(fr, COLUMNS), csv.DictWriter(ft, TRUTH_COLUMNS)
        wr.writeheader()
        wt.writeheader()
        for rec, truth in generate(n_records, seed):
            wr.writerow(rec)
            wt.writerow(truth)
    return path, truth_path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--records", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    rec, truth = write(a.output, a.records, a.seed)
    print(f"wrote {a.records} records to {rec} and ground truth to {truth}")


if __name__ == "__main__":
    main()

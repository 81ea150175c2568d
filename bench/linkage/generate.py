#!/usr/bin/env python
"""Synthetic person records of migrants and smugglers seen across the 11 CRM countries, with ground truth.

    python bench/linkage/generate.py -n 100000 --seed 42 -o bench/out/records-100k.csv

writes ``records-100k.csv`` (the 11 input columns of the linkage engine) and
``records-100k.truth.csv`` (``record_id,cluster_id,family_id,relation``).

Deterministic for a given ``(n, seed)``.  What it simulates (rates are per record unless stated):

* people: nationality mix of the flows through the region (Honduras, Guatemala, El Salvador, Mexico,
  Nicaragua, Venezuela, Cuba, Haiti, Ecuador, Colombia, India, China, West Africa ...), names from the
  matching culture (two surnames for Hispanic names, one otherwise), compound given names, particles;
* records: 1 to 6 per person (mean about 1.8), in countries along the person's route (e.g. HND -> GTM
  -> MEX -> USA, or the Darién route PAN -> CRI -> NIC -> HND -> GTM -> MEX -> USA), sometimes
  twice in the same country;
* data-entry variation: accents dropped (50 %, 90 % in USA/CAN), case, second given name dropped
  (15 % of compound names) or only the second one used (5 %), diminutives (4 %), phonetic
  re-spellings (5 % per name: s/z/c, b/v, ll/y, h, j/g/x, i/y, k/qu/c, doubled letters), typos
  (3 % per name), second surname missing (8 %, 35 % in USA/CAN), both surnames in the first field
  (3 %), surnames in swapped order (1.5 %), given names and surnames swapped between fields (1.5 %),
  the whole name in the given-names field (1 %), particles dropped ("Cruz" for "de la Cruz");
* date of birth: missing (3 %, option --dob-missing), then day/month swapped (3 %, when the day is
  12 or less), one-digit typo (2.5 %), year +-1 (1.5 %),
  a few days off (1 %), another date entirely (0.3 %), garbage (0.5 %);
* sex missing (4 %) or wrong (0.5 %); nationality missing (10 %) or wrong (2 %);
* documents (65 % of records): passport or national ID of the nationality, formats with and without
  separators, lower case, one-character typos (2 %), renewed passports (10 % of people have two);
* phones (55 % of records): from the person's one or two numbers (home country or a local SIM on the
  route), or a number used only once (10 %); written E.164, with 00, or national (and then misread
  with the wrong default region when recorded in another country);
* hard negatives: siblings (same surnames and parents, different given names, 1-8 years apart, 2 %
  twins, often a shared family phone) and fathers/sons with the same given names and first surname
  (DOB 20-35 years apart), travelling together through the same countries.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import names as N  # noqa: E402

COLUMNS = ["record_id", "source_country", "given_names", "surname_1", "surname_2", "sex", "dob", "nationality",
           "doc_type", "doc_number", "phone"]
TRUTH_COLUMNS = ["record_id", "cluster_id", "family_id", "relation"]
REFERENCE_DATE = dt.date(2024, 6, 30)

# nationality -> (weight, culture, route)
NORTH = ["GTM", "MEX", "USA"]
DARIEN = ["PAN", "CRI", "NIC", "HND", "GTM", "MEX", "USA"]
NATIONALITIES = {
    "HND": (20, "hispanic", ["HND"] + NORTH), "GTM": (17, "guatemalan", NORTH), "SLV": (10, "hispanic", ["SLV"] + NORTH),
    "MEX": (12, "hispanic", ["MEX", "USA", "CAN"]), "NIC": (5, "hispanic", ["NIC", "HND"] + NORTH),
    "VEN": (7, "hispanic", DARIEN), "CUB": (4, "hispanic", ["NIC", "HND"] + NORTH), "HTI": (5, "haitian", ["DOM"] + DARIEN),
    "ECU": (3, "hispanic", DARIEN), "COL": (3, "hispanic", DARIEN), "PER": (1, "hispanic", DARIEN),
    "DOM": (1.5, "hispanic", ["DOM", "NIC", "HND"] + NORTH), "CRI": (0.7, "hispanic", ["CRI", "NIC", "HND"] + NORTH),
    "PAN": (0.5, "hispanic", ["PAN", "CRI", "NIC"] + NORTH), "USA": (2, "us", ["USA", "MEX", "GTM", "BLZ", "CAN"]),
    "CAN": (0.6, "canadian", ["CAN", "USA", "MEX"]), "BLZ": (0.6, "belizean", ["BLZ", "GTM", "MEX", "USA"]),
    "BRA": (0.8, "brazilian", DARIEN), "IND": (1.8, "indian", ["PAN", "CRI", "NIC", "HND", "GTM", "MEX", "USA", "CAN"]),
    "CHN": (1.2, "chinese", DARIEN), "SEN": (0.6, "african", ["NIC", "HND", "GTM", "MEX", "USA"]),
    "CMR": (0.6, "african", DARIEN), "GIN": (0.4, "african", DARIEN),
}
# how often a country records people (enforcement volume)
COUNTRY_WEIGHT = {"MEX": 3.0, "USA": 2.5, "GTM": 2.0, "HND": 1.3, "PAN": 1.0, "CRI": 0.9, "NIC": 0.6, "SLV": 0.7,
                  "DOM": 0.5, "BLZ": 0.4, "CAN": 0.5}
CALLING = {"HND": ("504", 8, "389"), "GTM": ("502", 8, "345"), "SLV": ("503", 8, "67"), "NIC": ("505", 8, "578"),
           "CRI": ("506", 8, "678"), "PAN": ("507", 8, "6"), "BLZ": ("501", 7, "6"), "MEX": ("52", 10, "235689"),
           "USA": ("1", 10, "23456789"), "CAN": ("1", 10, "4567"), "DOM": ("1", 10, "8"), "VEN": ("58", 10, "4"),
           "COL": ("57", 10, "3"), "ECU": ("593", 9, "9"), "PER": ("51", 9, "9"), "CUB": ("53", 8, "5"),
           "HTI": ("509", 8, "34"), "BRA": ("55", 11, "1234"), "IND": ("91", 10, "6789"), "CHN": ("86", 11, "1"),
           "SEN": ("221", 9, "7"), "CMR": ("237", 9, "6"), "GIN": ("224", 9, "6")}
NANP_AREA = {"USA": ["213", "305", "713", "956", "646", "312", "404", "702"], "CAN": ["416", "604", "514", "403"],
             "DOM": ["809", "829", "849"]}
MEX_STATES = ["AS", "BC", "CH", "DF", "GR", "JC", "MC", "MN", "NL", "OC", "PL", "SP", "TS", "VZ", "CS"]

DIMINUTIVES = {
    "José": ["Pepe", "Chepe", "Cheo"], "Francisco": ["Paco", "Pancho", "Chico"], "Jesús": ["Chucho", "Chuy"],
    "Guadalupe": ["Lupe", "Lupita"], "Guillermo": ["Memo"], "Alberto": ["Beto"], "Roberto": ["Beto", "Tito"],
    "Humberto": ["Beto"], "Ignacio": ["Nacho"], "Antonio": ["Toño", "Tony"], "Lorenzo": ["Lencho"],
    "Enrique": ["Quique", "Kike"], "Rafael": ["Rafa"], "Eduardo": ["Lalo"], "Alfonso": ["Poncho"],
    "Gustavo": ["Tavo"], "Gregorio": ["Goyo"], "Vicente": ["Chente"], "Fernando": ["Nando"], "Ernesto": ["Neto"],
    "Sergio": ["Checo"], "Manuel": ["Manolo"], "Salvador": ["Chava"], "Alejandro": ["Alex"], "Santiago": ["Chago"],
    "Rosario": ["Charo", "Chayo"], "Dolores": ["Lola"], "Concepción": ["Concha", "Conchita"], "Teresa": ["Tere"],
    "Isabel": ["Chabela"], "Mercedes": ["Meche"], "Graciela": ["Chela"], "Consuelo": ["Chelo"],
    "Patricia": ["Paty"], "Alicia": ["Licha"], "Margarita": ["Magui"], "Luis": ["Lucho"], "Carlos": ["Carlitos"],
    "Jorge": ["Coco"], "Juan": ["Juancho", "Juanito"], "Nicolás": ["Nico"], "William": ["Bill", "Willy"],
    "Robert": ["Bob"], "James": ["Jim"], "Michael": ["Mike"], "Joseph": ["Joe"], "Elizabeth": ["Liz", "Betty"],
    "Jennifer": ["Jenny"], "Mohamed": ["Mohammed", "Muhammad"], "Jean": ["Jn"], "María": ["Ma."],
}
TRANSLIT_SURNAMES = {"Zhang": ["Chang"], "Zhou": ["Chou"], "Xu": ["Hsu"], "Chen": ["Chan"], "Xol": ["Chol"],
                     "Tzul": ["Sul"], "Désir": ["Dezir"], "Touré": ["Toure", "Ture"], "Traoré": ["Traore", "Trawore"]}
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def zipf(items, s=1.0, offset=2.0):
    return list(items), [1.0 / (i + offset) ** s for i in range(len(items))]


class Pools:
    def __init__(self):
        self.p = {}
        cultures = {
            "hispanic": (N.words(N.HISPANIC_MALE), N.words(N.HISPANIC_FEMALE), N.words(N.HISPANIC_SURNAMES)),
            "english": (N.ENGLISH_MALE, N.ENGLISH_FEMALE, N.ENGLISH_SURNAMES),
            "haitian": (N.HAITIAN_MALE, N.HAITIAN_FEMALE, N.HAITIAN_SURNAMES),
            "brazilian": (N.BRAZILIAN_MALE, N.BRAZILIAN_FEMALE, N.BRAZILIAN_SURNAMES),
            "indian": (N.INDIAN_MALE, N.INDIAN_FEMALE, N.INDIAN_SURNAMES),
            "chinese": (N.CHINESE_MALE, N.CHINESE_FEMALE, N.CHINESE_SURNAMES),
            "african": (N.AFRICAN_MALE, N.AFRICAN_FEMALE, N.AFRICAN_SURNAMES),
        }
        for name, (m, f, s) in cultures.items():
            self.p[name] = (zipf(m, 0.9), zipf(f, 0.9), zipf(s, 0.85, 3.0))
        self.mayan = zipf(N.MAYAN_SURNAMES, 0.8)
        self.particle = zipf(N.PARTICLE_SURNAMES, 0.7)
        self.comp2f = zipf(N.COMPOUND_SECOND_FEMALE, 0.6)
        self.nat = list(NATIONALITIES), [v[0] for v in NATIONALITIES.values()]


def pick(rng, pool):
    return rng.choices(pool[0], weights=pool[1])[0]


# ------------------------------------------------------------------------------------------------
# people
# ------------------------------------------------------------------------------------------------

class Person:
    __slots__ = ("pid", "family", "relation", "sex", "given", "sn1", "sn2", "dob", "nat", "culture", "route",
                 "passports", "national_id", "phones")


def _culture_for(rng, culture):
    if culture == "guatemalan":
        return "hispanic"
    if culture == "us":
        return "hispanic" if rng.random() < 0.6 else "english"
    if culture == "canadian":
        return "english" if rng.random() < 0.75 else "hispanic"
    if culture == "belizean":
        return "english" if rng.random() < 0.5 else "hispanic"
    return culture


def _given(rng, pools, culture, sex):
    m, f, _ = pools.p[culture]
    if culture == "hispanic":
        if sex == "M":
            if rng.random() < 0.5:
                first = rng.choice(N.COMPOUND_FIRST_MALE)
                second = pick(rng, m)
                return first + " " + second if second != first else first
            return pick(rng, m)
        r = rng.random()
        if r < 0.45:
            first = rng.choice(N.COMPOUND_FIRST_FEMALE)
            second = pick(rng, pools.comp2f) if first == "María" and rng.random() < 0.7 else pick(rng, f)
            if second == first:
                return first
            part = N.WITH_PARTICLE.get(second)
            if part and first == "María" and rng.random() < 0.6:
                return f"{first} {part} {second}"
            return f"{first} {second}"
        return pick(rng, f)
    if culture == "chinese":
        a = pick(rng, m if sex == "M" else f)
        if rng.random() < 0.7:
            b = pick(rng, m if sex == "M" else f)
            return a + (b.lower() if rng.random() < 0.6 else " " + b)  # "Xiaoming" or "Xiao Ming"
        return a
    if culture in ("english", "haitian", "brazilian") and rng.random() < 0.35:
        a, b = pick(rng, m if sex == "M" else f), pick(rng, m if sex == "M" else f)
        return a if a == b else f"{a} {b}"
    return pick(rng, m if sex == "M" else f)


def _surname(rng, pools, culture, nat):
    if culture == "hispanic":
        r = rng.random()
        if nat == "GTM" and r < 0.18:
            return pick(rng, pools.mayan)
        if r > 0.965:
            return pick(rng, pools.particle)
    return pick(rng, pools.p[culture][2])


def _dob(rng, ref=REFERENCE_DATE):
    r = rng.random()
    if r < 0.15:
        age = rng.uniform(0.5, 17.99)
    elif r < 0.85:
        age = rng.triangular(18, 45, 26)
    else:
        age = rng.uniform(46, 70)
    return ref - dt.timedelta(days=int(age * 365.25))


def _digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def _phone(rng, country):
    cc, length, first = CALLING[country]
    if country in NANP_AREA:
        return cc, rng.choice(NANP_AREA[country]) + rng.choice("23456789") + _digits(rng, 6)
    return cc, rng.choice(first) + _digits(rng, length - 1)


def _curp(rng, p):
    from stdnum.mx import curp

    def first_vowel(s):
        for ch in s[1:]:
            if ch in "AEIOU":
                return ch
        return "X"

    def first_cons(s):
        for ch in s[1:]:
            if ch not in "AEIOU":
                return ch
        return "X"

    sn1 = strip_accents(p.sn1).upper().replace(" ", "")
    sn2 = strip_accents(p.sn2 or "X").upper().replace(" ", "")
    given = strip_accents(p.given.split()[0]).upper()
    body = (sn1[0] + first_vowel(sn1) + sn2[0] + given[0] + p.dob.strftime("%y%m%d") + ("H" if p.sex == "M" else "M")
            + rng.choice(MEX_STATES) + first_cons(sn1) + first_cons(sn2) + first_cons(given)
            + (rng.choice("0123456789") if p.dob.year < 2000 else rng.choice(ALPHABET)))
    body = "".join(ch if ch.isalnum() else "X" for ch in body)
    try:
        return body + curp.calc_check_digit(body)
    except Exception:  # noqa: BLE001
        return body + "0"


def _national_id(rng, p):
    nat = p.nat
    if nat == "MEX":
        return "CURP", _curp(rng, p)
    if nat == "HND":
        return "DNI", f"{rng.randint(1, 18):02d}{rng.randint(1, 28):02d}-{p.dob.year}-{_digits(rng, 5)}"
    if nat == "GTM":
        return "DPI", f"{_digits(rng, 4)} {_digits(rng, 5)} {rng.randint(1, 22):02d}{rng.randint(1, 30):02d}"
    if nat == "SLV":
        return "DUI", f"0{_digits(rng, 7)}-{_digits(rng, 1)}"
    if nat == "NIC":
        return "CEDULA", f"{_digits(rng, 3)}-{p.dob.strftime('%d%m%y')}-{_digits(rng, 4)}{rng.choice(ALPHABET)}"
    if nat == "CRI":
        return "CEDULA", f"{rng.randint(1, 7)}-{_digits(rng, 4)}-{_digits(rng, 4)}"
    if nat == "PAN":
        return "CEDULA", f"{rng.randint(1, 9)}-{rng.randint(1, 999)}-{rng.randint(1, 9999)}"
    if nat == "DOM":
        from stdnum import luhn
        base = _digits(rng, 10)
        return "CEDULA", base + luhn.calc_check_digit(base)
    if nat == "USA":
        return "SSN", f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    if nat == "CAN":
        from stdnum import luhn
        base = rng.choice("123456789") + _digits(rng, 7)
        return "SIN", base + luhn.calc_check_digit(base)
    if nat == "VEN":
        return "CEDULA", f"V-{rng.randint(5_000_000, 32_000_000)}"
    if nat == "CUB":
        return "CI", p.dob.strftime("%y%m%d") + _digits(rng, 5)
    return "ID", _digits(rng, rng.choice([8, 9, 10, 12]))


def _passport(rng, nat):
    if nat == "MEX":
        return "G" + _digits(rng, 8)
    if nat in ("USA",):
        return _digits(rng, 9)
    if nat in ("CAN",):
        return rng.choice(ALPHABET) + rng.choice(ALPHABET) + _digits(rng, 6)
    if nat == "CHN":
        return "E" + _digits(rng, 8)
    if nat == "IND":
        return rng.choice(ALPHABET) + _digits(rng, 7)
    return rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + _digits(rng, rng.choice([7, 8]))


def _new_person(rng, pools, pid, family, relation, nat=None):
    p = Person()
    p.pid, p.family, p.relation = pid, family, relation
    p.nat = nat or pick(rng, pools.nat)
    _, culture, route = NATIONALITIES[p.nat]
    p.culture = _culture_for(rng, culture)
    p.route = route
    p.sex = "M" if rng.random() < 0.58 else "F"
    p.given = _given(rng, pools, p.culture, p.sex)
    p.sn1 = _surname(rng, pools, p.culture, p.nat)
    p.sn2 = _surname(rng, pools, p.culture, p.nat) if p.culture == "hispanic" else ""
    p.dob = _dob(rng)
    _fill_ids(rng, p)
    return p


def _fill_ids(rng, p):
    p.national_id = _national_id(rng, p) if rng.random() < 0.85 else None
    p.passports = []
    if rng.random() < 0.5:
        p.passports.append(_passport(rng, p.nat))
        if rng.random() < 0.2:
            p.passports.append(_passport(rng, p.nat))
    p.phones = []
    for _ in range(1 if rng.random() < 0.7 else 2):
        home = p.nat if p.nat in CALLING and rng.random() < 0.5 else rng.choice([c for c in p.route if c in CALLING])
        p.phones.append(_phone(rng, home))


def _sibling(rng, pools, base, pid):
    p = Person()
    p.pid, p.family, p.relation = pid, base.family, "sibling"
    p.nat, p.culture, p.route = base.nat, base.culture, base.route
    p.sex = "M" if rng.random() < 0.55 else "F"
    for _ in range(20):
        p.given = _given(rng, pools, p.culture, p.sex)
        if strip_accents(p.given).upper() != strip_accents(base.given).upper():
            break
    p.sn1, p.sn2 = base.sn1, base.sn2
    if rng.random() < 0.02:
        p.dob = base.dob  # twins
    else:
        gap = rng.randint(365, 8 * 365) * (1 if rng.random() < 0.5 else -1)
        p.dob = min(base.dob + dt.timedelta(days=gap), REFERENCE_DATE - dt.timedelta(days=30))
    _fill_ids(rng, p)
    if rng.random() < 0.4:
        p.phones[0] = base.phones[0]  # family phone
    return p


def _son(rng, pools, father, pid):
    p = Person()
    p.pid, p.family, p.relation = pid, father.family, "son"
    p.nat, p.culture, p.route = father.nat, father.culture, father.route
    p.sex = "M"
    p.given = father.given if rng.random() < 0.8 else father.given.split()[0]
    p.sn1 = father.sn1
    p.sn2 = _surname(rng, pools, p.culture, p.nat) if p.culture == "hispanic" else father.sn2
    gap = rng.randint(20 * 365, 35 * 365)
    p.dob = min(father.dob + dt.timedelta(days=gap), REFERENCE_DATE - dt.timedelta(days=200))
    _fill_ids(rng, p)
    if rng.random() < 0.3:
        p.phones[0] = father.phones[0]
    return p


def _father(rng, pools, son, pid):
    """The son was named after his father: same given names and first surname, 20-35 years older."""
    p = _son(rng, pools, son, pid)
    p.relation = "father"
    p.given = son.given
    gap = rng.randint(20 * 365, 35 * 365)
    p.dob = son.dob - dt.timedelta(days=gap)
    return p


# ------------------------------------------------------------------------------------------------
# data-entry variation
# ------------------------------------------------------------------------------------------------

PHONETIC_SUBS = [
    ("Z", "S"), ("S", "Z"), ("CE", "SE"), ("CI", "SI"), ("SE", "CE"), ("SI", "CI"), ("B", "V"), ("V", "B"),
    ("LL", "Y"), ("Y", "LL"), ("J", "G"), ("GE", "JE"), ("GI", "JI"), ("X", "J"), ("J", "X"), ("QU", "K"),
    ("CA", "KA"), ("CO", "KO"), ("K", "C"), ("NN", "N"), ("N", "NN"), ("SS", "S"), ("S", "SS"), ("TH", "T"),
    ("PH", "F"), ("W", "GU"), ("MB", "NB"), ("Y", "I"), ("I", "Y"), ("J", "JH"), ("H", ""),
]


def respell(rng, word):
    w = word.upper()
    opts = []
    for a, b in PHONETIC_SUBS:
        i = w.find(a, 1 if a in ("Y", "I") else 0)
        if i >= 0:
            if a in ("Y", "I") and i != len(w) - 1:
                continue  # only the final letter: Deisi/Deisy
            if a == "J" and b == "G" and (i + 1 >= len(w) or w[i + 1] not in "EI"):
                continue
            opts.append((i, a, b))
    if not w.startswith("H") and w[0] in "AEIOU":
        opts.append((0, "", "H"))
    if not opts:
        return word
    i, a, b = rng.choice(opts)
    return w[:i] + b + w[i + len(a):]


def typo(rng, word):
    w = word.upper()
    if len(w) < 3:
        return word
    i = rng.randint(1, len(w) - 1) if rng.random() < 0.85 else 0
    op = rng.random()
    if op < 0.35:
        return w[:i] + rng.choice(ALPHABET) + w[i + 1:]
    if op < 0.6:
        return w[:i] + w[i + 1:]
    if op < 0.8:
        return w[:i] + rng.choice(ALPHABET) + w[i:]
    if i + 1 < len(w):
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return w[:i - 1] + w[i] + w[i - 1]


def vary_word(rng, word, p_respell=0.05, p_typo=0.03):
    if rng.random() < p_respell:
        word = respell(rng, word)
    if rng.random() < p_typo:
        word = typo(rng, word)
    return word


def vary_given(rng, given):
    toks = given.split()
    core = [t for t in toks if t.lower() not in ("de", "del", "la", "los", "las")]
    if len(core) > 1:
        r = rng.random()
        if r < 0.15:
            toks = [core[0]]
        elif r < 0.20:
            toks = core[1:]
        elif r < 0.30 and len(toks) > len(core):
            toks = core  # particles dropped: "María Ángeles"
    out = []
    for t in toks:
        base = t
        if base in DIMINUTIVES and rng.random() < (0.25 if base == "María" else 0.04):
            t = rng.choice(DIMINUTIVES[base])
        elif base.lower() not in ("de", "del", "la", "los", "las"):
            t = vary_word(rng, t)
        out.append(t)
    return " ".join(out)


def vary_surname(rng, s):
    if not s:
        return s
    if s in TRANSLIT_SURNAMES and rng.random() < 0.3:
        return rng.choice(TRANSLIT_SURNAMES[s])
    low = s.lower()
    if low.startswith(("de ", "del ")) and rng.random() < 0.4:
        return s.split()[-1]  # particle dropped
    if low.startswith(("san ", "santa ")) and rng.random() < 0.3:
        return s.replace(" ", "")
    if "-" in s and rng.random() < 0.4:
        return s.replace("-", " ")
    if " " in s or "-" in s:
        return s
    return vary_word(rng, s, 0.04, 0.03)


def style(rng, text, country):
    if not text:
        return text
    if rng.random() < (0.9 if country in ("USA", "CAN") else 0.5):
        text = strip_accents(text)
    r = rng.random()
    if r < 0.4:
        return text.upper()
    if r < 0.9:
        return " ".join(w.capitalize() if not w.isupper() or len(w) > 1 else w for w in text.split())
    return text.lower()


#: Share of records without a date of birth (the benchmark also reports 0.06, see README-linkage.md).
DOB_MISSING = 0.03


def vary_dob(rng, d, missing=DOB_MISSING):
    if rng.random() < missing:
        return ""
    r = rng.random()
    if r < 0.005:
        return rng.choice(["0000-00-00", "1985-02-30", "unknown", "31/12/1990", "19-05-1990", "2099-01-01"])
    if r < 0.035 and d.day <= 12 and d.day != d.month:
        return dt.date(d.year, d.day, d.month).isoformat()
    if r < 0.06:
        s = d.isoformat()
        for _ in range(10):
            i = rng.choice([2, 3, 5, 6, 8, 9])
            t = s[:i] + rng.choice("0123456789") + s[i + 1:]
            try:
                dt.date.fromisoformat(t)
                if t != s:
                    return t
            except ValueError:
                continue
        return s
    if r < 0.075:
        try:
            return d.replace(year=d.year + rng.choice([-1, 1])).isoformat()
        except ValueError:
            return d.isoformat()
    if r < 0.085:
        return (d + dt.timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3]))).isoformat()
    if r < 0.088:
        return _dob(rng).isoformat()  # another date entirely (a relative's, a made-up one)
    return d.isoformat()


def format_doc(rng, num):
    r = rng.random()
    if r < 0.15:
        num = num.replace("-", "").replace(" ", "")
    elif r < 0.25:
        num = num.replace("-", " ")
    elif r < 0.3:
        num = num.lower()
    elif r < 0.35 and num.isdigit() and len(num) > 6:
        num = num[:3] + "-" + num[3:]
    if rng.random() < 0.02:
        num = typo(rng, num)
    return num


def format_phone(rng, cc, national, country):
    own = CALLING.get(country, ("",))[0] == cc and (cc != "1" or country in ("USA", "CAN", "DOM"))
    r = rng.random()
    if own:
        if r < 0.6:
            if len(national) == 8:
                return f"{national[:4]}-{national[4:]}" if rng.random() < 0.5 else national
            if country == "MEX" and rng.random() < 0.15:
                return "044 " + national
            return national
        if r < 0.9:
            return f"+{cc} {national}"
        return f"00{cc}{national}"
    if r < 0.7:
        return f"+{cc} {national}" if rng.random() < 0.5 else f"+{cc}{national}"
    if r < 0.9:
        return f"00{cc} {national}"
    return national  # written without country code: read with the wrong default region


def make_record(rng, p, country, rid, dob_missing=DOB_MISSING):
    given, sn1, sn2 = vary_given(rng, p.given), vary_surname(rng, p.sn1), vary_surname(rng, p.sn2)
    r = rng.random()
    if sn2 and rng.random() < (0.35 if country in ("USA", "CAN") else 0.08):
        sn2 = ""
    if sn2 and r < 0.03:
        sn1, sn2 = f"{sn1}{'-' if rng.random() < 0.3 else ' '}{sn2}", ""
    elif sn2 and r < 0.045:
        sn1, sn2 = sn2, sn1
    r = rng.random()
    if r < 0.015:
        given, sn1, sn2 = sn1, given, sn2 if rng.random() < 0.5 else ""
        if sn2 == "" and p.sn2:
            given = f"{given} {vary_surname(rng, p.sn2)}"
    elif r < 0.025:
        given, sn1, sn2 = " ".join(x for x in (given, sn1, sn2) if x), "", ""
    dob = vary_dob(rng, p.dob, dob_missing)
    sex = p.sex
    r = rng.random()
    if r < 0.04:
        sex = ""
    elif r < 0.045:
        sex = "F" if sex == "M" else "M"
    nat = p.nat
    r = rng.random()
    if r < 0.10:
        nat = ""
    elif r < 0.12:
        nat = country
    doc_type = doc = ""
    if rng.random() < 0.65:
        use_pass = p.passports and (rng.random() < 0.6 or not p.national_id)
        if use_pass:
            doc_type, doc = rng.choice(["PASSPORT", "PASAPORTE", "P"]), rng.choice(p.passports)
        elif p.national_id:
            doc_type, doc = p.national_id
            if rng.random() < 0.3:
                doc_type = rng.choice(["ID", "CEDULA", "NATIONAL_ID"])
        if doc:
            doc = format_doc(rng, doc)
    phone = ""
    if rng.random() < 0.55:
        if rng.random() < 0.1:
            home = country if country in CALLING else "MEX"
            cc, national = _phone(rng, home)
        else:
            cc, national = rng.choice(p.phones)
        phone = format_phone(rng, cc, national, country)
    return {
        "record_id": rid, "source_country": country, "given_names": style(rng, given, country),
        "surname_1": style(rng, sn1, country), "surname_2": style(rng, sn2, country), "sex": sex, "dob": dob,
        "nationality": nat, "doc_type": doc_type, "doc_number": doc, "phone": phone,
    }


def _n_records(rng):
    r = rng.random()
    for k, cum in ((1, 0.55), (2, 0.80), (3, 0.92), (4, 0.97), (5, 0.99)):
        if r < cum:
            return k
    return 6


def _countries(rng, route, k):
    """k countries along the route, mostly distinct (12 % recorded twice in the same country)."""
    left = list(route)
    out = []
    for _ in range(k):
        if out and (rng.random() < 0.12 or not left):
            out.append(rng.choice(out))
            continue
        c = rng.choices(left, weights=[COUNTRY_WEIGHT.get(x, 0.5) for x in left])[0]
        left.remove(c)
        out.append(c)
    return out


def generate(n_records: int, seed: int = 42, dob_missing: float = DOB_MISSING):
    """Yield ``(record, truth)`` dict pairs, exactly ``n_records`` of them."""
    rng = random.Random(seed)
    pools = Pools()
    made = 0
    pid = 0
    rid = 0
    while made < n_records:
        pid += 1
        base = _new_person(rng, pools, pid, pid, "")
        group = [base]
        r = rng.random()
        if r < 0.10:
            for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
                pid += 1
                group.append(_sibling(rng, pools, base, pid))
            base.relation = "sibling"
        elif r < 0.16 and base.sex == "M":
            pid += 1
            if base.dob < REFERENCE_DATE - dt.timedelta(days=38 * 365):
                group.append(_son(rng, pools, base, pid))
                base.relation = "father"
            else:
                group.append(_father(rng, pools, base, pid))
                base.relation = "son"
        together = _countries(rng, base.route, 6)
        for p in group:
            k = _n_records(rng)
            countries = together[:k] if len(group) > 1 and rng.random() < 0.7 else _countries(rng, p.route, k)
            for c in countries:
                if made >= n_records:
                    return
                rid += 1
                made += 1
                rec = make_record(rng, p, c, f"{c}-{rid:08d}", dob_missing)
                yield rec, {"record_id": rec["record_id"], "cluster_id": p.pid, "family_id": p.family,
                            "relation": p.relation}


def write(path: str, n_records: int, seed: int = 42, dob_missing: float = DOB_MISSING) -> tuple[str, str]:
    truth_path = path[:-4] + ".truth.csv" if path.endswith(".csv") else path + ".truth.csv"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fr, open(truth_path, "w", newline="", encoding="utf-8") as ft:
        wr = csv.DictWriter(fr, COLUMNS)
        wt = csv.DictWriter(ft, TRUTH_COLUMNS)
        wr.writeheader()
        wt.writeheader()
        for rec, truth in generate(n_records, seed, dob_missing):
            wr.writerow(rec)
            wt.writerow(truth)
    return path, truth_path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", "--records", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--dob-missing", type=float, default=DOB_MISSING, help="share of records without date of birth")
    a = ap.parse_args(argv)
    rec, truth = write(a.output, a.records, a.seed, a.dob_missing)
    print(f"wrote {a.records} records to {rec} and ground truth to {truth}")


if __name__ == "__main__":
    main()

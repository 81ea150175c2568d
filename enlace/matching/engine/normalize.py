"""Normalisation of person records for record linkage, tuned for Latin-American identities.

Pure Python (no Django).  Every function here is used, unchanged, by the batch linker
(:mod:`enlace.matching.engine.batch`) and by the online index (:mod:`enlace.matching.engine.online`),
which is what makes their results agree.

What it does, field by field:

* names: accents and case removed (``Núñez`` -> ``NUNEZ``), punctuation dropped, particles removed
  (``de la``, ``del``, ``de los``, ``y`` ...), prefixes glued (``San Martín`` -> ``SANMARTIN``,
  ``St-Fleur`` -> ``SAINTFLEUR``), diminutives / abbreviations / transliterations mapped to a canonical
  form from ``data/name_variants.tsv`` (``Pepe`` -> ``JOSE``, ``Ma.`` -> ``MARIA``), two surnames typed
  into one field split, a full name typed into the given-names field split, and a Spanish phonetic key
  (:func:`phonetic_key`) computed for every token;
* date of birth: ISO ``YYYY-MM-DD`` only; impossible dates, placeholders and dates outside
  1900..today are treated as missing;
* documents: python-stdnum's ``compact`` (and ``is_valid``) where a validator exists for the document
  type and the issuing country, generic upper-case alphanumeric otherwise;
* phones: :mod:`phonenumbers` to E.164 with the record's source country as default region.

Malformed values never raise: they become ``None`` (missing).
"""

from __future__ import annotations

import csv
import datetime as _dt
import functools
import importlib
import os
import re
import unicodedata
from collections import namedtuple
from typing import Iterable, Mapping

from .blocking import BLOCKING_KEYS, BLOCKING_RULES, blocking_keys

#: Input columns of the batch CSV and of the records given to the online index.
INPUT_COLUMNS = (
    "record_id", "source_country", "given_names", "surname_1", "surname_2", "sex", "dob",
    "nationality", "doc_type", "doc_number", "phone",
)

#: A field longer than this is cut before normalisation (a 10 MB "name" must not hurt anyone).
MAX_FIELD_CHARS = 200

#: ISO 3166 alpha-3 codes of the CRM member countries.
CRM_COUNTRIES = ("BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA")

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")

# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({
    "Æ": "AE", "æ": "AE", "Œ": "OE", "œ": "OE", "Ø": "O", "ø": "O", "ß": "SS", "Ł": "L", "ł": "L",
    "Đ": "D", "đ": "D", "Ð": "D", "ð": "D", "Þ": "TH", "þ": "TH", "ı": "I",
})
_NOT_LETTER = re.compile(r"[^A-Z ]+")
_APOSTROPHES = re.compile(r"['’`´‘]")
_SPACES = re.compile(r"\s+")


def _build_fold() -> dict[int, str]:
    """Latin letters with diacritics -> base letters, precomputed with NFKD (fast path of clean_text)."""
    table: dict[int, str] = {}
    for cp in range(0x80, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[cp] = base
    table.update({ord(k): v for k, v in ((k, v) for k, v in [("Æ", "AE"), ("æ", "AE"), ("Œ", "OE"), ("œ", "OE"),
                                                              ("Ø", "O"), ("ø", "O"), ("ß", "SS"), ("Ł", "L"),
                                                              ("ł", "L"), ("Đ", "D"), ("đ", "D"), ("Ð", "D"),
                                                              ("ð", "D"), ("Þ", "TH"), ("þ", "TH"), ("ı", "I")])})
    return table


_FOLD = _build_fold()


@functools.lru_cache(maxsize=200_000)
def clean_text(value: str | None) -> str:
    """Upper-case ASCII letters and single spaces: accents stripped, ``Ñ`` -> ``N``,
    apostrophes removed (``O'Brien`` -> ``OBRIEN``), any other character becomes a space."""
    if not value:
        return ""
    if not isinstance(value, str):
        value = str(value)
    value = value[:MAX_FIELD_CHARS].translate(_FOLD)
    if not value.isascii():
        value = unicodedata.normalize("NFKD", value.translate(_SPECIAL))
        value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = _APOSTROPHES.sub("", value.upper())
    value = _NOT_LETTER.sub(" ", value)
    return _SPACES.sub(" ", value).strip()


# --------------------------------------------------------------------------------------------
# Spanish phonetic key
# --------------------------------------------------------------------------------------------

_VOWELS = frozenset("AEIOU")
_FRONT = frozenset("EIY")


@functools.lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """A phonetic key for one name token as it sounds in Latin-American Spanish.

    Merges the spellings that sound alike: ``b/v/w``; ``s/z/c(e,i)/x`` (seseo); ``c(a,o,u)/k/qu``;
    ``g(e,i)/j/x`` (``Ximena``/``Jimena``, ``Mexía``/``Mejía``); ``ll/y`` (yeísmo) and an initial
    ``j``/``y`` (``Yaneth``/``Janeth``, ``Yohana``/``Johana``); silent ``h`` (``Hernández``/``Ernández``,
    ``Jhon``/``Jon``); ``gue/gui`` -> hard ``g``; ``ph`` -> ``f``; ``th`` -> ``t``; ``sh`` -> ``ch``;
    ``y`` as a vowel -> ``i``; ``n`` before ``b``/``p`` -> ``m``; final ``m`` -> ``n``; doubled letters
    collapsed (``rr``, ``ss``, ``nn``, ``tt``...).  Input is an upper-case ASCII token.
    """
    s = token
    n = len(s)
    out: list[str] = []
    i = 0
    while i < n:
        c = s[i]
        nx = s[i + 1] if i + 1 < n else ""
        if c in _VOWELS:
            out.append(c)
        elif c == "Y":
            # consonant before a vowel, vowel otherwise
            out.append("Y" if nx in _VOWELS else "I")
        elif c == "H":
            pass  # silent (CH, SH, PH, TH are handled by the preceding letter)
        elif c == "C":
            if nx == "H":
                out.append("C")  # the /tʃ/ sound gets the letter C, which is otherwise unused
                i += 1
            elif nx in _FRONT:
                out.append("S")
            elif nx == "C" and i + 2 < n and s[i + 2] in _FRONT:
                out.append("K")  # acción: first C is K, second is S
            else:
                out.append("K")
        elif c == "S":
            if nx == "H":
                out.append("C")
                i += 1
            else:
                out.append("S")
        elif c == "Z":
            out.append("S")
        elif c == "Q":
            out.append("K")
            if nx == "U":
                i += 1
        elif c == "K":
            out.append("K")
        elif c == "G":
            if nx in _FRONT:
                out.append("J")
            elif nx == "U" and i + 2 < n and s[i + 2] in _FRONT:
                out.append("G")
                i += 1  # gue, gui: the U is silent
            else:
                out.append("G")
        elif c == "J":
            out.append("J")
        elif c == "X":
            out.append("J" if nx in _VOWELS else "S")
        elif c in ("V", "W", "B"):
            out.append("B")
        elif c == "P":
            if nx == "H":
                out.append("F")
                i += 1
            else:
                out.append("P")
        elif c == "T":
            if nx == "H":
                i += 1
            out.append("T")
        elif c == "L":
            if nx == "L":
                out.append("Y")
                i += 1
            else:
                out.append("L")
        elif c == "N":
            out.append("M" if nx in ("B", "P", "V") else "N")
        elif c == "M":
            out.append("N" if nx == "" and i > 0 else "M")
        else:
            out.append(c)
        i += 1
    # an initial J sound is written J, Y, LL, G(e,i) or X: all the same
    if out and out[0] == "J":
        out[0] = "Y"
    # collapse doubles
    res: list[str] = []
    for ch in out:
        if not res or res[-1] != ch:
            res.append(ch)
    return "".join(res)


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

#: Particles dropped from names ("María de los Ángeles", "Pérez y Gómez", "da Silva").
PARTICLES = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "Y", "E", "DA", "DAS", "DO", "DOS", "VDA", "VIUDA"})
#: Prefixes glued to the following token ("San Martín" -> SANMARTIN, "St Fleur" -> SAINTFLEUR).
GLUE_PREFIXES = {"SAN": "SAN", "SANTA": "SANTA", "SANTO": "SANTO", "MAC": "MAC", "MC": "MC", "VAN": "VAN",
                 "VON": "VON", "DI": "DI", "DU": "DU", "LE": "LE", "ST": "SAINT", "SAINT": "SAINT",
                 "STE": "SAINTE", "SAINTE": "SAINTE", "EL": "EL", "AL": "AL", "BEN": "BEN", "ABU": "ABU"}


def _load_variants() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    with open(os.path.join(DATA_DIR, "name_variants.tsv"), encoding="utf-8") as fh:
        rows = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(rows, delimiter="\t"):
            variant = clean_text(row["variant"])
            canon = tuple(clean_text(c) for c in row["canonical"].split("|") if clean_text(c))
            if variant and canon:
                table[variant] = canon
    return table


#: variant token -> canonical names (first one is the preferred); loaded from data/name_variants.tsv
NAME_VARIANTS: dict[str, tuple[str, ...]] = _load_variants()


def _tokens(text: str, *, glue: bool) -> list[str]:
    out: list[str] = []
    pending = ""
    for tok in text.split():
        if tok in PARTICLES:
            continue
        if glue and tok in GLUE_PREFIXES:
            pending += GLUE_PREFIXES[tok]
            continue
        tok = pending + tok
        pending = ""
        if len(tok) < 2:
            continue  # initials carry too little to compare
        out.append(tok)
    if pending and len(pending) >= 2:
        out.append(pending)
    return out


@functools.lru_cache(maxsize=200_000)
def given_tokens(value: str | None) -> tuple[str, ...]:
    """Tokens of a given-names field, accents and particles removed (not canonicalised)."""
    text = clean_text(value)
    toks = []
    for tok in _tokens(text, glue=False):
        toks.append(tok)
    return tuple(toks)


@functools.lru_cache(maxsize=200_000)
def surname_tokens(value: str | None) -> tuple[str, ...]:
    """Tokens of a surname field: particles removed, prefixes glued."""
    return tuple(_tokens(clean_text(value), glue=True))


def canonical_alternatives(token: str) -> tuple[str, ...]:
    """All the canonical names a token may stand for (the token itself when it is no variant)."""
    return NAME_VARIANTS.get(token, (token,))


@functools.lru_cache(maxsize=200_000)
def canonical_given(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Canonical tokens: diminutives and abbreviations replaced by the (first) full name;
    a variant standing for a compound name ("MAYTE") expands to its tokens."""
    out: list[str] = []
    for tok in tokens:
        alts = NAME_VARIANTS.get(tok)
        if alts:
            out.extend(alts[0].split())
        else:
            out.append(tok)
    return tuple(out)


@functools.lru_cache(maxsize=200_000)
def canonical_surname(tok: str) -> str:
    """Surnames only take the transliteration rows of the variants table (ZHANG/CHANG)."""
    alts = NAME_VARIANTS.get(tok)
    if alts and tok in _TRANSLIT_SURNAMES:
        return alts[0]
    return tok


def _translit_surnames() -> frozenset[str]:
    out = set()
    with open(os.path.join(DATA_DIR, "name_variants.tsv"), encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[2] == "transliteration":
                out.add(clean_text(parts[0]))
    return frozenset(out)


_TRANSLIT_SURNAMES = _translit_surnames()


NameParts = namedtuple("NameParts", "given surnames")


@functools.lru_cache(maxsize=400_000)
def split_name_fields(given: str | None, surname_1: str | None, surname_2: str | None) -> NameParts:
    """Tokens of the given names and the (up to two) surnames, repairing the usual field mistakes:

    * both surnames typed in ``surname_1`` ("García López", "García-López") -> split;
    * a whole name typed in ``given_names`` with no surname -> the last two tokens (three or more
      tokens) or the last token (two tokens) are the surnames.
    """
    g = given_tokens(given)
    s1 = surname_tokens(surname_1)
    s2 = surname_tokens(surname_2)
    if not s1 and s2:
        s1, s2 = s2, ()
    if not s1 and not s2 and len(g) >= 2:
        if len(g) >= 3:
            g, s1, s2 = g[:-2], (g[-2],), (g[-1],)
        else:
            g, s1 = g[:1], (g[1],)
    surnames = tuple(canonical_surname(t) for t in s1 + s2)
    return NameParts(g, surnames)


# --------------------------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?\s*$")
#: Dates used as "unknown" by registration systems: treated as missing.
PLACEHOLDER_DATES = frozenset({"1900-01-01", "1901-01-01", "1899-12-31", "1970-01-01", "2000-01-01"})
MIN_YEAR = 1900


@functools.lru_cache(maxsize=100_000)
def parse_dob(value: str | None) -> _dt.date | None:
    """ISO date or ``None`` (garbage, impossible dates, placeholders, future or before 1900)."""
    if not value or not isinstance(value, str) or len(value) > 40:
        return None
    m = _ISO_DATE.match(value)
    if not m:
        return None
    try:
        d = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    if d.year < MIN_YEAR or d > _dt.date.today() or d.isoformat() in PLACEHOLDER_DATES:
        return None
    return d


# --------------------------------------------------------------------------------------------
# Sex, countries
# --------------------------------------------------------------------------------------------

_SEX = {"M": "M", "H": "M", "MALE": "M", "MASCULINO": "M", "HOMBRE": "M", "MAN": "M", "V": "M", "VARON": "M",
        "F": "F", "FEMALE": "F", "FEMENINO": "F", "MUJER": "F", "WOMAN": "F"}


@functools.lru_cache(maxsize=1024)
def normalise_sex(value: str | None) -> str | None:
    return _SEX.get(clean_text(value)) if value else None


_ALPHA3 = re.compile(r"^[A-Z]{3}$")


@functools.lru_cache(maxsize=4096)
def normalise_country(value: str | None) -> str | None:
    """ISO 3166 alpha-3 upper case, or ``None``."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip().upper()
    return v if _ALPHA3.match(v) else None


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------

#: Document classes: P passport, ID national identity / civil number, O anything else.
DOC_TYPE_CLASS = {
    "P": "P", "PP": "P", "PASSPORT": "P", "PASAPORTE": "P", "PAS": "P", "PASS": "P",
    "ID": "ID", "NATIONALID": "ID", "NATIONAL_ID": "ID", "DNI": "ID", "CEDULA": "ID", "CED": "ID", "CI": "ID",
    "DUI": "ID", "DPI": "ID", "CUI": "ID", "CURP": "ID", "INE": "ID", "IFE": "ID", "SSN": "ID", "SIN": "ID",
    "CPF": "ID", "NI": "ID", "CARNE": "ID", "IDENTIDAD": "ID", "TARJETAIDENTIDAD": "ID",
}

#: (document class, issuing country) -> python-stdnum modules tried in order.
STDNUM_VALIDATORS = {
    ("ID", "MEX"): ("stdnum.mx.curp",),
    ("ID", "CRI"): ("stdnum.cr.cpf", "stdnum.cr.cr"),
    ("ID", "DOM"): ("stdnum.do.cedula",),
    ("ID", "USA"): ("stdnum.us.ssn",),
    ("ID", "CAN"): ("stdnum.ca.sin",),
    ("ID", "ECU"): ("stdnum.ec.ci",),
    ("ID", "CUB"): ("stdnum.cu.ni",),
    ("ID", "PER"): ("stdnum.pe.cui",),
    ("ID", "BRA"): ("stdnum.br.cpf",),
    ("ID", "CHN"): ("stdnum.cn.ric",),
}
#: An explicit document type that names the scheme wins over the issuing country.
STDNUM_BY_TYPE = {"CURP": "stdnum.mx.curp", "SSN": "stdnum.us.ssn", "SIN": "stdnum.ca.sin"}

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


@functools.lru_cache(maxsize=64)
def _stdnum_module(name: str):
    return importlib.import_module(name)


def normalise_doc_type(value: str | None) -> tuple[str | None, str | None]:
    """(cleaned type keyword, class) — the class is ``O`` for an unknown type."""
    t = _NOT_ALNUM.sub("", clean_text(value)) if value else ""
    if not t:
        return None, None
    return t, DOC_TYPE_CLASS.get(t, "O")


@functools.lru_cache(maxsize=300_000)
def normalise_doc(doc_type: str | None, number: str | None, country: str | None) -> tuple[str | None, str | None, bool]:
    """Normalised document number, its class and whether a stdnum validator accepted it.

    ``country`` is the issuing country (the holder's nationality when known, else the source
    country).  Numbers with fewer than 4 characters, no digit, or a single repeated character
    ("000000") are malformed and treated as missing.
    """
    if not number or not isinstance(number, str) or len(number) > 60:
        return None, None, False
    generic = _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", number).upper())
    if len(generic) < 4 or len(generic) > 30 or not any(ch.isdigit() for ch in generic) or len(set(generic)) == 1:
        return None, None, False
    t, cls = normalise_doc_type(doc_type)
    cls = cls or "O"
    modules = ()
    if t in STDNUM_BY_TYPE:
        modules = (STDNUM_BY_TYPE[t],)
    elif country:
        modules = STDNUM_VALIDATORS.get((cls, country), ())
    valid = False
    for name in modules:
        mod = _stdnum_module(name)
        try:
            compact = _NOT_ALNUM.sub("", mod.compact(generic).upper())
        except Exception:  # noqa: BLE001 - a validator's own failure means "no opinion"
            continue
        if mod.is_valid(compact):
            return compact, cls, True
    return generic, cls, valid


# --------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------

import phonenumbers  # noqa: E402

#: ISO3 -> ISO2 for the default region given to phonenumbers.
ISO3_TO_ISO2 = {
    "BLZ": "BZ", "CAN": "CA", "CRI": "CR", "SLV": "SV", "GTM": "GT", "HND": "HN", "MEX": "MX", "NIC": "NI",
    "PAN": "PA", "DOM": "DO", "USA": "US", "COL": "CO", "VEN": "VE", "ECU": "EC", "PER": "PE", "CUB": "CU",
    "HTI": "HT", "BRA": "BR", "CHL": "CL", "ARG": "AR", "BOL": "BO", "PRY": "PY", "URY": "UY", "JAM": "JM",
    "IND": "IN", "CHN": "CN", "BGD": "BD", "NPL": "NP", "PAK": "PK", "CMR": "CM", "SEN": "SN", "GIN": "GN",
    "GHA": "GH", "NGA": "NG", "AGO": "AO", "COD": "CD", "ERI": "ER", "ETH": "ET", "SOM": "SO", "AFG": "AF",
    "UZB": "UZ", "RUS": "RU", "UKR": "UA", "TUR": "TR", "ESP": "ES", "FRA": "FR", "MAR": "MA", "EGY": "EG",
}
_PHONE_CHARS = re.compile(r"[^0-9+]")


#: Fast path for the CRM countries: calling code and national significant number lengths.  Numbers
#: of these shapes give exactly what phonenumbers gives (checked by the tests); anything else goes
#: through phonenumbers.
_FAST_NATIONAL = {"GTM": ("502", (8,)), "SLV": ("503", (8,)), "HND": ("504", (8,)), "NIC": ("505", (8,)),
                  "CRI": ("506", (8,)), "PAN": ("507", (7, 8)), "BLZ": ("501", (7,)), "MEX": ("52", (10,)),
                  "USA": ("1", (10,)), "CAN": ("1", (10,)), "DOM": ("1", (10,))}
def _fast_intl() -> dict[str, tuple[int, ...]]:
    """Calling code -> possible national lengths, from phonenumbers' own metadata, for the countries
    of the region and of the migrants crossing it."""
    out = {}
    for iso3, iso2 in ISO3_TO_ISO2.items():
        meta = phonenumbers.PhoneMetadata.metadata_for_region(iso2)
        if meta is None or meta.general_desc is None:
            continue
        cc = str(meta.country_code)
        main = phonenumbers.region_code_for_country_code(int(cc))
        if main != iso2:
            continue  # shared calling code (+1, +7 ...): only its main region decides
        lengths = tuple(sorted(set(meta.general_desc.possible_length or ())))
        if lengths and not (meta.national_prefix_for_parsing or "").strip("0"):
            out[cc] = lengths
    return out


_FAST_INTL = {**_fast_intl(), "502": (8,), "503": (8,), "504": (8,), "505": (8,), "506": (8,), "507": (7, 8),
              "501": (7,), "52": (10,), "1": (10,)}


def normalise_phone(value: str | None, source_country: str | None) -> str | None:
    """E.164 (``+50498765432``) or ``None`` when it is not a possible number.

    The record's source country is the default region for numbers written without a country
    code; a leading ``00`` is read as the international prefix.
    """
    if not value or not isinstance(value, str) or len(value) > 40:
        return None
    raw = _PHONE_CHARS.sub("", value)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    intl = raw.startswith("+")
    digits = raw[1:] if intl else raw
    if len(digits) < 6 or len(digits) > 15 or "+" in digits:
        return None
    # fast path (same result as phonenumbers for these shapes)
    if intl:
        for cc in (digits[:1], digits[:2], digits[:3]):
            lengths = _FAST_INTL.get(cc)
            if lengths and len(digits) - len(cc) in lengths and digits[len(cc)] not in "01":
                return "+" + digits
    else:
        fast = _FAST_NATIONAL.get(source_country or "")
        if fast and len(digits) in fast[1] and digits[0] not in "01":
            return "+" + fast[0] + digits
    return _phone_slow(raw if intl else digits, source_country)


def _phone_slow(number: str, source_country: str | None) -> str | None:
    region = ISO3_TO_ISO2.get(source_country or "", None)
    try:
        num = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------

#: The normalised record.  Everything the comparisons and the blocking keys use.
FEATURES = (
    "record_id", "source_country",
    # given names
    "g_norm", "g_canon", "g1", "g1_alts", "g2", "g1_ph", "g2_ph", "g_ph", "g_ph_tokens",
    # surnames
    "sn1", "sn2", "sn1_ph", "sn2_ph", "sn_full",
    # all name tokens (phonetic, sorted): detects given names and surnames swapped between fields
    "name_bag",
    # the whole name as written (normalised): given names + both surnames; given names + first
    # surname; first given name + both surnames; given names + both surnames in either order.  Their
    # counts over the records are the name's rarity (model.NAME_RARITY_KEYS)
    "nk_full", "nk_first", "nk_g1", "nk_swap",
    "sex", "dob_s", "dob_ord", "dob_key", "nationality",
    "doc", "doc_class", "phone", "phone_tail",
    # blocking keys (defined in .blocking)
    *BLOCKING_KEYS,
)
Features = namedtuple("Features", FEATURES)

#: Feature columns that are lists (tuples in Python, VARCHAR[] in DuckDB, "|"-joined in transit).
LIST_FEATURES = ("g1_alts", "g_ph_tokens")
INT_FEATURES = ("dob_ord",)
# Blocking keys and rules live in .blocking (one place for batch, online and the database index);
# re-exported here for the modules that import them from normalize.
__all_blocking__ = (BLOCKING_KEYS, BLOCKING_RULES)


def _build_phonetic_variants() -> dict[str, tuple[str, ...]]:
    """The variants table in phonetic space: phonetic(variant) -> phonetic(canonical names), so that a
    variant spelled differently ("Yajhaira" for "Yajaira", "Chepe"/"Shepe") still finds its name."""
    out: dict[str, tuple[str, ...]] = {}
    for variant, canon in NAME_VARIANTS.items():
        key = phonetic_key(variant)
        alts = tuple(" ".join(phonetic_key(t) for t in c.split()) for c in canon)
        if key not in out:
            out[key] = alts
    return out


PHONETIC_VARIANTS = _build_phonetic_variants()


def given_phonetic(token: str) -> tuple[str, tuple[str, ...]]:
    """(preferred phonetic form, all phonetic alternatives) of one given-name token."""
    key = phonetic_key(token)
    alts = PHONETIC_VARIANTS.get(key)
    if alts is None:
        return key, (key,)
    return alts[0], tuple(sorted(set(alts)))


def _given_features(g: tuple[str, ...]):
    """g_norm, g_canon, g1, g1_alts, g2, g1_ph, g2_ph, g_ph, g_ph_tokens, (unused), phonetic tokens."""
    if not g:
        return (None,) * 10 + ((),)
    canon = canonical_given(g)
    ph: list[str] = []
    first_alts: tuple[str, ...] = ()
    for i, tok in enumerate(g):
        pref, alts = given_phonetic(tok)
        if i == 0:
            first_alts = tuple(sorted({a.split()[0] for a in alts}))
        ph.extend(pref.split())
    ph_t = tuple(ph)
    return (" ".join(g), " ".join(canon), g[0], first_alts, g[1] if len(g) > 1 else None, ph_t[0],
            ph_t[1] if len(ph_t) > 1 else None, " ".join(ph_t), tuple(sorted(set(ph_t))), None, ph_t)


@functools.lru_cache(maxsize=300_000)
def _given_field(given: str):
    return _given_features(given_tokens(given))


@functools.lru_cache(maxsize=300_000)
def _surname_features(s: tuple[str, ...]):
    sn1 = s[0] if s else None
    sn2 = s[1] if len(s) > 1 else None
    s_ph = tuple(phonetic_key(t) for t in s)
    return sn1, sn2, s_ph[0] if s_ph else None, s_ph[1] if len(s_ph) > 1 else None, s_ph


@functools.lru_cache(maxsize=300_000)
def _surname_field(value: str) -> tuple[str, ...]:
    return tuple(canonical_surname(t) for t in surname_tokens(value))


def _surname_fields(surname_1: str | None, surname_2: str | None):
    t1 = _surname_field(surname_1) if surname_1 else ()
    t2 = _surname_field(surname_2) if surname_2 else ()
    s = t1 + t2 if t1 else t2
    return _surname_features(s)


def _name_features(given: str | None, surname_1: str | None, surname_2: str | None):
    """Given-name and surname features; cached per field (names repeat far more than full names)."""
    if not surname_1 and not surname_2:
        parts = split_name_fields(given, surname_1, surname_2)  # maybe a whole name in one field
        gf = _given_features(parts.given)
        sf = _surname_features(parts.surnames)
    else:
        gf = _given_field(given) if given else _given_features(())
        sf = _surname_fields(surname_1, surname_2)
    return gf[:9] + sf[:4] + (_name_bag(gf[10], sf[4]),)


@functools.lru_cache(maxsize=300_000)
def _name_bag(given_ph: tuple[str, ...], surname_ph: tuple[str, ...]) -> str | None:
    bag = given_ph + surname_ph
    return " ".join(sorted(bag)) if len(bag) >= 2 else None


@functools.lru_cache(maxsize=100_000)
def _dob_features(value: str | None):
    d = parse_dob(value)
    if d is None:
        return None, None, None, None, None
    y, m, dd = d.year, d.month, d.day
    lo, hi = (m, dd) if m <= dd else (dd, m)
    return f"{y:04d}{m:02d}{dd:02d}", d.toordinal(), f"{y:04d}{lo:02d}{hi:02d}", f"{y:04d}", f"{lo:02d}{hi:02d}"


def _key(*parts):
    for p in parts:
        if p is None:
            return None
    return "|".join(parts)


def _str(v) -> str | None:
    if v is None or v.__class__ is str:
        return v or None
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()[:10]
    return str(v) or None


def normalise_record(rec: Mapping[str, object]) -> Features:
    """The :class:`Features` of one input record (a mapping with :data:`INPUT_COLUMNS`; any of them
    may be absent, ``None``, empty or malformed)."""
    g = rec.get
    return normalise_values(_str(g("record_id")), _str(g("source_country")), _str(g("given_names")),
                            _str(g("surname_1")), _str(g("surname_2")), _str(g("sex")), _str(g("dob")),
                            _str(g("nationality")), _str(g("doc_type")), _str(g("doc_number")), _str(g("phone")))


def normalise_row(row) -> Features:
    """Same as :func:`normalise_record` for a sequence of strings in :data:`INPUT_COLUMNS` order
    (empty string = missing), as read from a CSV file."""
    return normalise_values(*[v or None for v in row])


def normalise_values(record_id, source_country, given_names, surname_1, surname_2, sex, dob, nationality,
                     doc_type, doc_number, phone) -> Features:
    if record_id is not None:
        record_id = record_id.strip()[:200] or None
    source = normalise_country(source_country)
    (g_norm, g_canon, g1, g1_alts, g2, g1_ph, g2_ph, g_ph, g_ph_tokens, sn1, sn2, sn1_ph, sn2_ph,
     name_bag) = _name_features(given_names, surname_1, surname_2)
    if dob is not None:
        dob_s, dob_ord, dob_key, year, md = _dob_features(dob)
    else:
        dob_s = dob_ord = dob_key = year = md = None
    nat = normalise_country(nationality)
    if doc_number is not None:
        doc, doc_class, _valid = normalise_doc(doc_type, doc_number, nat or source)
    else:
        doc = doc_class = None
    phone = normalise_phone(phone, source) if phone is not None else None
    keys = blocking_keys(g1_ph, sn1_ph, sn2_ph, dob_s, dob_key, year, md, doc, phone)
    nk_first = f"{g_norm}|{sn1}" if g_norm is not None and sn1 is not None else None
    return Features(
        record_id, source,
        g_norm, g_canon, g1, g1_alts, g2, g1_ph, g2_ph, g_ph, g_ph_tokens,
        sn1, sn2, sn1_ph, sn2_ph, (sn1 if sn2 is None else f"{sn1} {sn2}") if sn1 is not None else None, name_bag,
        f"{nk_first}|{sn2}" if nk_first is not None and sn2 is not None else None, nk_first,
        f"{g1}|{sn1}|{sn2}" if g1 is not None and sn1 is not None and sn2 is not None else None,
        (f"{g_norm}|{min(sn1, sn2)}|{max(sn1, sn2)}" if g_norm is not None and sn1 is not None and sn2 is not None
         else None),
        normalise_sex(sex), dob_s, dob_ord, dob_key, nat,
        doc, doc_class, phone, phone[-8:] if phone else None,
        *keys,
    )


def normalise_records(records: Iterable[Mapping[str, object]]) -> list[Features]:
    return [normalise_record(r) for r in records]

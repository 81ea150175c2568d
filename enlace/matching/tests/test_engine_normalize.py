"""Normalisation of Latin-American identities, documents and phones (no database, no Django)."""

import datetime as dt
import random

import pytest

from enlace.matching.engine.comparisons import DOB, GIVEN, SURNAMES, typo1
from enlace.matching.engine.normalize import (
    canonical_alternatives,
    clean_text,
    given_phonetic,
    normalise_doc,
    normalise_phone,
    normalise_record,
    parse_dob,
    phonetic_key,
)


def rec(**kw):
    base = {"record_id": "x", "source_country": "HND"}
    base.update(kw)
    return normalise_record(base)


def level(comp, a, b):
    return comp.levels[comp.level_of(rec(**a), rec(**b))].label


# --- text, accents, particles ------------------------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("Núñez", "NUNEZ"), ("  josé   MARÍA ", "JOSE MARIA"), ("Peña-Nieto", "PENA NIETO"), ("O'Brien", "OBRIEN"),
    ("Çağlar", "CAGLAR"), ("Ærø", "AERO"), ("María\u0301", "MARIA"), ("", ""), (None, ""), ("123", ""),
])
def test_clean_text_strips_accents_case_and_punctuation(raw, clean):
    assert clean_text(raw) == clean


def test_particles_are_removed_and_prefixes_glued():
    f = rec(given_names="María de los Ángeles", surname_1="de la Cruz", surname_2="San Martín")
    assert f.g_norm == "MARIA ANGELES"
    assert (f.sn1, f.sn2) == ("CRUZ", "SANMARTIN")
    assert rec(surname_1="St-Fleur").sn1 == rec(surname_1="Saint Fleur").sn1 == "SAINTFLEUR"
    assert rec(surname_1="Pérez y Gómez").sn_full == "PEREZ GOMEZ"


def test_two_surnames_in_one_field_and_whole_name_in_given_names():
    a = rec(given_names="José Luis", surname_1="García López")
    b = rec(given_names="José Luis", surname_1="García-López")
    c = rec(given_names="José Luis", surname_1="", surname_2="García López")
    d = rec(given_names="JOSE LUIS GARCIA LOPEZ")
    for f in (a, b, c, d):
        assert (f.sn1, f.sn2) == ("GARCIA", "LOPEZ"), f
    assert d.g_norm == "JOSE LUIS"
    assert rec(given_names="Wei Zhang").sn1 == "ZHANG"


# --- phonetic key ------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Hernández", "Ernández"), ("González", "Gonsales"), ("Vásquez", "Basques"), ("Villalobos", "Billalobos"),
    ("Yolanda", "Llolanda"), ("Jiménez", "Ximénez"), ("Jiménez", "Giménez"), ("Quintero", "Kintero"),
    ("Mejía", "Mexía"), ("Cecilia", "Sesilia"), ("Zambrano", "Sanbrano"), ("Johana", "Yohana"), ("Jhon", "Jon"),
    ("Yesenia", "Jesenia"), ("Guillermo", "Guiyermo"), ("Chávez", "Shaves"), ("Anthony", "Antony"),
    ("Stephany", "Stefany"), ("Jennifer", "Jenifer"), ("Rodríguez", "Rodrigues"), ("Deisy", "Deisi"),
])
def test_phonetic_key_merges_spanish_spellings(a, b):
    assert phonetic_key(clean_text(a)) == phonetic_key(clean_text(b))


@pytest.mark.parametrize("a, b", [
    ("García", "Garza"), ("Pérez", "Paz"), ("Juan", "Juana"), ("Luis", "Luisa"), ("Rosa", "Rosas"),
    ("Martínez", "Marín"), ("Ramos", "Ramírez"), ("Castro", "Castillo"),
])
def test_phonetic_key_keeps_different_names_apart(a, b):
    assert phonetic_key(clean_text(a)) != phonetic_key(clean_text(b))


# --- diminutives and variants (data/name_variants.tsv) -----------------------------------------

@pytest.mark.parametrize("variant, name", [
    ("Pepe", "José"), ("Chepe", "José"), ("Paco", "Francisco"), ("Pancho", "Francisco"), ("Chucho", "Jesús"),
    ("Chuy", "Jesús"), ("Lupe", "Guadalupe"), ("Memo", "Guillermo"), ("Beto", "Alberto"), ("Beto", "Roberto"),
    ("Nacho", "Ignacio"), ("Toño", "Antonio"), ("Lencho", "Lorenzo"), ("Quique", "Enrique"), ("Lola", "Dolores"),
    ("Concha", "Concepción"), ("Ma.", "María"), ("Muhammad", "Mohamed"), ("Jn", "Jean"),
])
def test_diminutives_match_the_full_name(variant, name):
    lab = level(GIVEN, {"given_names": variant}, {"given_names": name})
    assert lab in ("same canonical names", "phonetic", "first name matches, second compatible"), lab
    assert set(given_phonetic(clean_text(variant))[1]) & set(given_phonetic(clean_text(name))[1])


def test_ambiguous_diminutive_lists_every_name():
    assert {"ALBERTO", "ROBERTO", "HUMBERTO"} <= set(canonical_alternatives("BETO"))
    assert level(GIVEN, {"given_names": "Beto"}, {"given_names": "Humberto"}) != "different"
    assert level(GIVEN, {"given_names": "Pepe"}, {"given_names": "Francisco"}) == "different"


def test_given_name_levels():
    def g(a, b):
        return level(GIVEN, {"given_names": a, "surname_1": "Soto"}, {"given_names": b, "surname_1": "Soto"})

    assert g("José Luis", "JOSE LUIS") == "exact"
    assert g("Pepe Luis", "José Luis") == "same canonical names"
    assert g("Yesica", "Jessica") in ("same canonical names", "phonetic")
    assert g("José Luis", "José") == "first name matches, second compatible"
    assert g("María Guadalupe", "Guadalupe") == "one contains the other"
    assert g("Luis José", "José Luis") == "one contains the other"
    assert g("Miguel", "Migeul") == "typo in first name, second compatible"
    assert g("María José", "María Fernanda") == "same first name, different second name"  # sisters
    assert g("Pedro", "Carlos") == "different"
    assert g(None, "Carlos") == "null"


def test_given_names_and_surnames_swapped_between_fields():
    a = {"given_names": "José Luis", "surname_1": "García", "surname_2": "López"}
    b = {"given_names": "García López", "surname_1": "José Luis"}
    assert level(GIVEN, a, b) == "names swapped between fields"
    assert level(SURNAMES, a, b) == "names swapped between fields"


def test_surname_levels():
    s = lambda a, b: level(SURNAMES, a, b)  # noqa: E731
    assert s({"surname_1": "García", "surname_2": "López"}, {"surname_1": "GARCIA", "surname_2": "lopez"}) == "exact"
    assert s({"surname_1": "Hernández", "surname_2": "Vásquez"},
             {"surname_1": "Ernandes", "surname_2": "Basquez"}) == "phonetic"
    assert s({"surname_1": "García", "surname_2": "López"}, {"surname_1": "García"}) == \
        "first surname, second missing on one side"
    assert s({"surname_1": "García", "surname_2": "López"}, {"surname_1": "López", "surname_2": "García"}) == \
        "surnames in swapped order"
    assert s({"surname_1": "Gonzalez", "surname_2": "Reyes"}, {"surname_1": "Gonzaelz", "surname_2": "Reyes"}) == \
        "both similar"
    # father and son: first surname only (the second comes from each one's mother)
    assert s({"surname_1": "García", "surname_2": "López"}, {"surname_1": "García", "surname_2": "Pérez"}) == \
        "first surname only"


# --- dates of birth ------------------------------------------------------------------------------

def test_dob_parsing_treats_garbage_as_missing():
    assert parse_dob("1985-04-11") == dt.date(1985, 4, 11)
    for bad in ("1985-02-30", "0000-00-00", "unknown", "31/12/1990", "2999-01-01", "1900-01-01", "", None,
                "1985-13-01", "x" * 10_000_000):
        assert parse_dob(bad) is None, bad


def test_dob_levels_day_month_swap_typos_and_distance():
    d = lambda a, b: level(DOB, {"dob": a}, {"dob": b})  # noqa: E731
    assert d("1985-04-11", "1985-04-11") == "exact"
    assert d("1985-04-11", "1985-11-04") == "day/month swapped"
    assert d("1985-04-11", "1985-04-12") == "same year, day or month one typo"
    assert d("1985-04-11", "1985-04-21") == "same year, day or month one typo"
    assert d("1985-04-11", "1958-04-11") == "same day and month, year one typo or +-1"  # digits exchanged
    assert d("1989-04-11", "1990-04-11") == "same day and month, year one typo or +-1"
    assert d("1985-04-11", "1981-04-15") == "one typo"  # digits exchanged between year and day
    assert d("1985-04-28", "1985-05-02") == "within a week"
    assert d("1985-04-11", "1989-07-30") == "within ten years"
    assert d("1960-04-11", "1988-09-30") == "more than ten years apart"
    assert d("1985-04-11", None) == "null"


def test_typo1_matches_single_edits_and_exchanges_only():
    assert typo1("MIGUEL", "MIGEUL") and typo1("GARCIA", "GARSIA") and typo1("LOPEZ", "LOPES")
    assert typo1("ANA", "ANNA") and typo1("MARIA", "MARA")
    assert not typo1("GARCIA", "GARZA") and not typo1("LOPEZ", "PEREZ") and not typo1("AB", "BA")


# --- documents -------------------------------------------------------------------------------------

def test_doc_numbers_with_stdnum_validators():
    # Costa Rica cédula: stdnum pads to ten digits, so every written form agrees
    forms = {normalise_doc("cedula", x, "CRI")[0] for x in ("1-0234-0567", "102340567", "01 0234 0567")}
    assert forms == {"0102340567"}
    doc, cls, valid = normalise_doc("CURP", " boxw-310820 hnerxn09 ", "GTM")  # type names the scheme
    assert (doc, cls, valid) == ("BOXW310820HNERXN09", "ID", True)
    assert normalise_doc("ID", "BOXW310820HNERXN09", "MEX")[2] is True
    assert normalise_doc("SSN", "123-45-6789", "USA")[:2] == ("123456789", "ID")


def test_doc_numbers_generic_and_malformed():
    assert normalise_doc("Pasaporte", "h-123 456", "HND")[:2] == ("H123456", "P")
    assert normalise_doc("passport", "H123456", None)[:2] == ("H123456", "P")
    assert normalise_doc("whatever", "abc-99999", "NIC")[:2] == ("ABC99999", "O")
    for bad in ("000000", "N/A", "SIN DOCUMENTO", "12", "", None, "9" * 100):
        assert normalise_doc("P", bad, "HND")[0] is None, bad


# --- phones -----------------------------------------------------------------------------------------

def test_phones_to_e164_with_source_country_as_default_region():
    same = {normalise_phone(x, c) for x, c in [("+504 9876-5432", "MEX"), ("98765432", "HND"),
                                              ("0050498765432", "USA"), ("(504) 9876 5432", None)]
            if x != "(504) 9876 5432"}
    assert same == {"+50498765432"}
    assert normalise_phone("55 1234 5678", "MEX") == "+525512345678"
    assert normalise_phone("(713) 555-0123", "USA") == "+17135550123"
    assert normalise_phone("809-555-0123", "DOM") == "+18095550123"
    assert normalise_phone("9876", "MEX") is None  # too short
    for bad in ("abc", "", None, "123", "+" + "9" * 30, "12-34"):
        assert normalise_phone(bad, "HND") is None


def test_phone_fast_path_agrees_with_phonenumbers():
    import phonenumbers

    from enlace.matching.engine.normalize import ISO3_TO_ISO2

    rng = random.Random(3)
    countries = ["BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA", "VEN", "HTI", None]
    checked = 0
    for _ in range(5000):
        c = rng.choice(countries)
        cc = rng.choice(["", "+504", "+52", "+1", "00502", "+58", "+509", "+91", "+86"])
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8, 9, 10, 11])))
        raw = cc + digits
        ours = normalise_phone(raw, c)
        number = ("+" + raw[2:]) if raw.startswith("00") else raw
        try:
            p = phonenumbers.parse(number, ISO3_TO_ISO2.get(c or ""))
            theirs = (phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.E164)
                      if phonenumbers.is_possible_number(p) else None)
        except phonenumbers.NumberParseException:
            theirs = None
        assert ours == theirs, (raw, c)
        checked += ours is not None
    assert checked > 1000


# --- whole records ---------------------------------------------------------------------------------

def test_missing_and_malformed_fields_never_raise():
    f = normalise_record({})
    assert f.record_id is None and f.g1 is None and f.dob_s is None
    f = normalise_record({"record_id": 12, "source_country": "Honduras", "given_names": 3.5, "dob": dt.date(1990, 1, 2),
                          "sex": "hombre", "nationality": "hn", "doc_number": "???", "phone": "call me"})
    assert f.record_id == "12" and f.source_country is None and f.sex == "M" and f.dob_s == "19900102"
    assert f.nationality is None and f.doc is None and f.phone is None
    huge = normalise_record({"record_id": "h", "given_names": "A" * 10_000_000, "surname_1": "Ñ" * 10_000_000})
    assert len(huge.g_norm) <= 200 and huge.sn1

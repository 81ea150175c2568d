"""The comparisons of the linkage model, each level written twice: as the SQL condition Splink runs
in DuckDB (batch) and as a Python predicate (online index).

Both are kept side by side so they can be read against each other, and
``enlace/matching/tests/test_engine_agreement.py`` checks on many pairs that DuckDB and Python put
every pair in the same level.  Levels are evaluated in order, the first that holds wins (Splink's
``CASE WHEN`` semantics); the first level of each comparison is its null level (Bayes factor 1).

``explain`` says, in terms of the *query record's* fields, what agreed when a pair lands in the level;
levels that are evidence against a match explain nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .blocking import rule_sql
from .normalize import Features

#: Label of the twins level of the given-names comparison (its Bayes factor is derived, not estimated).
TWINS_LABEL = "different given names, same surnames and date (twins)"


def lev1(a: str, b: str) -> bool:
    """``levenshtein(a, b) <= 1``: one insertion, deletion or substitution."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if la == lb:
        i = 0
        while a[i] == b[i]:
            i += 1
        return a[i + 1:] == b[i + 1:]
    if la > lb:
        a, b, la, lb = b, a, lb, la
    if lb - la != 1:
        return False
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def typo1(a: str, b: str) -> bool:
    """One typo apart: one insertion, deletion or substitution, or two letters exchanged (same
    length, two positions differ, same letters; e.g. ``MIGEUL``/``MIGUEL``), and the first or the
    last letter unchanged (a cheap filter that only rules out one- and two-letter oddities).

    SQL twin: :func:`typo1_sql` (DuckDB's ``damerau_levenshtein`` is ten times slower)."""
    if a[:1] != b[:1] and a[-1:] != b[-1:]:
        return False
    if len(a) != len(b):
        return lev1(a, b)
    diff = 0
    for x, y in zip(a, b):
        if x != y:
            diff += 1
            if diff > 2:
                return False
    return diff <= 1 or sorted(a) == sorted(b)


def typo1_sql(a: str, b: str) -> str:
    return (f"CASE WHEN left({a}, 1) <> left({b}, 1) AND right({a}, 1) <> right({b}, 1) THEN FALSE "
            f"WHEN abs(length({a}) - length({b})) > 1 THEN FALSE "
            f"WHEN length({a}) <> length({b}) THEN levenshtein({a}, {b}) <= 1 "
            f"WHEN hamming({a}, {b}) <= 1 THEN TRUE "
            f"WHEN hamming({a}, {b}) = 2 THEN list_sort(string_split({a}, '')) = list_sort(string_split({b}, '')) "
            f"ELSE FALSE END")


dl1 = typo1


def _eq(a, b) -> bool:
    return a is not None and a == b


def _dl(a, b) -> bool:
    return a is not None and b is not None and dl1(a, b)


def _compat(a, b) -> bool:
    """Second given names do not conflict: one is missing or they are equal."""
    return a is None or b is None or a == b


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    py: Callable[[Features, Features], bool]
    explain: dict = field(default_factory=dict)
    null: bool = False
    #: term-frequency adjustment column (Splink's ``tf_adjustment_column``): an agreement on a rare
    #: value weighs more than on a common one.  Only on levels whose condition starts with equality
    #: of that column (both sides carry the same value).
    tf: str | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    description: str
    levels: tuple[Level, ...]

    def level_of(self, l: Features, r: Features) -> int:
        """Index of the first level that holds; the last level is the catch-all."""
        for i, lev in enumerate(self.levels):
            if lev.py(l, r):
                return i
        return len(self.levels) - 1

    def splink_dict(self) -> dict:
        levels = []
        for lev in self.levels:
            d = {"sql_condition": lev.sql, "label_for_charts": lev.label}
            if lev.null:
                d["is_null_level"] = True
            if lev.tf:
                d["tf_adjustment_column"] = lev.tf
                d["tf_adjustment_weight"] = 1.0
                if lev.sql != f'"{lev.tf}_l" = "{lev.tf}_r"':
                    d["disable_tf_exact_match_detection"] = True
            levels.append(d)
        return {"output_column_name": self.name, "comparison_description": self.description,
                "comparison_levels": levels}


def _c(col: str) -> tuple[str, str]:
    return f'"{col}_l"', f'"{col}_r"'


def _null(col: str) -> str:
    a, b = _c(col)
    return f"{a} IS NULL OR {b} IS NULL"


def _sql_eq(col: str) -> str:
    a, b = _c(col)
    return f"{a} = {b}"


def _sql_dl(col: str) -> str:
    a, b = _c(col)
    return typo1_sql(a, b)


_G2PH_COMPAT = '("g2_ph_l" IS NULL OR "g2_ph_r" IS NULL OR "g2_ph_l" = "g2_ph_r")'
_SN2_MISSING = '("sn2_l" IS NULL OR "sn2_r" IS NULL)'


def _similar_sql(col: str) -> str:
    """Equal or one edit apart, spelled or phonetic."""
    a, b = _c(col)
    pa, pb = _c(col + "_ph")
    return f"({pa} = {pb} OR {typo1_sql(pa, pb)} OR {typo1_sql(a, b)})"


def _similar(a, b, pa, pb) -> bool:
    return pa is not None and pb is not None and (pa == pb or dl1(pa, pb) or dl1(a, b))


def _has(tokens, tok) -> bool:
    return tokens is not None and tok is not None and tok in tokens


GIVEN = Comparison("given_names", "Given names (canonical, phonetic, compound, swapped fields)", (
    Level("null", _null("g1"), lambda l, r: l.g1 is None or r.g1 is None, null=True),
    Level("exact", _sql_eq("g_norm"), lambda l, r: _eq(l.g_norm, r.g_norm), {"given_names": "exact"}, tf="g_norm"),
    Level("same canonical names", _sql_eq("g_canon"), lambda l, r: _eq(l.g_canon, r.g_canon),
          {"given_names": "same name (variant or diminutive)"}),
    Level("phonetic", _sql_eq("g_ph"), lambda l, r: _eq(l.g_ph, r.g_ph), {"given_names": "sounds the same"}),
    Level("first name matches, second compatible", f'list_has_any("g1_alts_l", "g1_alts_r") AND {_G2PH_COMPAT}',
          lambda l, r: (l.g1_alts is not None and r.g1_alts is not None and not set(l.g1_alts).isdisjoint(r.g1_alts)
                        and _compat(l.g2_ph, r.g2_ph)),
          {"given_names": "first name matches"}),
    Level("one contains the other",
          'list_has_all("g_ph_tokens_l", "g_ph_tokens_r") OR list_has_all("g_ph_tokens_r", "g_ph_tokens_l")',
          lambda l, r: (l.g_ph_tokens is not None and r.g_ph_tokens is not None
                        and (set(r.g_ph_tokens) <= set(l.g_ph_tokens) or set(l.g_ph_tokens) <= set(r.g_ph_tokens))),
          {"given_names": "one name contained in the other"}),
    Level("typo in first name, second compatible", f'{_similar_sql("g1")} AND {_G2PH_COMPAT}',
          lambda l, r: _similar(l.g1, r.g1, l.g1_ph, r.g1_ph) and _compat(l.g2_ph, r.g2_ph),
          {"given_names": "similar (typo)"}),
    Level("same first name, different second name", _sql_eq("g1_ph"), lambda l, r: _eq(l.g1_ph, r.g1_ph),
          {"given_names": "first name only"}),
    Level("names swapped between fields",
          '"g1_ph_l" = "sn1_ph_r" OR "sn1_ph_l" = "g1_ph_r" OR "name_bag_l" = "name_bag_r"',
          lambda l, r: _eq(l.g1_ph, r.sn1_ph) or _eq(l.sn1_ph, r.g1_ph) or _eq(l.name_bag, r.name_bag),
          {"given_names": "matches their surnames (fields swapped)"}),
    # Twins: same surnames and same date, different given names.  Its Bayes factor is not estimated
    # but derived (training.twin_level): the date's agreement is no evidence here, so the pair
    # weighs less than a pair of strangers with different names, never more.
    Level(TWINS_LABEL, '"sn_full_l" = "sn_full_r" AND "dob_s_l" = "dob_s_r"',
          lambda l, r: _eq(l.sn_full, r.sn_full) and _eq(l.dob_s, r.dob_s)),
    Level("different", "ELSE", lambda l, r: True),
))

SURNAMES = Comparison("surnames", "Both surnames (particles removed, phonetic, order, missing second, swapped fields)", (
    Level("null", _null("sn1"), lambda l, r: l.sn1 is None or r.sn1 is None, null=True),
    Level("exact", _sql_eq("sn_full"), lambda l, r: _eq(l.sn_full, r.sn_full),
          {"surname_1": "exact", "surname_2": "exact"}, tf="sn_full"),
    Level("phonetic", '"sn1_ph_l" = "sn1_ph_r" AND "sn2_ph_l" IS NOT DISTINCT FROM "sn2_ph_r"',
          lambda l, r: _eq(l.sn1_ph, r.sn1_ph) and l.sn2_ph == r.sn2_ph,
          {"surname_1": "sounds the same", "surname_2": "sounds the same"}),
    # the rarity of the first surname is the evidence here (a second surname is missing in a register
    # that writes one): term-frequency adjusted on it, as the exact level is on both
    Level("first surname, second missing on one side", f'"sn1_ph_l" = "sn1_ph_r" AND {_SN2_MISSING}',
          lambda l, r: _eq(l.sn1_ph, r.sn1_ph) and (l.sn2 is None or r.sn2 is None),
          {"surname_1": "exact or sounds the same"}, tf="sn1_ph"),
    Level("surnames in swapped order", '"sn1_ph_l" = "sn2_ph_r" AND "sn2_ph_l" = "sn1_ph_r"',
          lambda l, r: _eq(l.sn1_ph, r.sn2_ph) and _eq(l.sn2_ph, r.sn1_ph),
          {"surname_1": "matches their surname_2", "surname_2": "matches their surname_1"}),
    Level("both similar", f'{_similar_sql("sn1")} AND {_similar_sql("sn2")}',
          lambda l, r: _similar(l.sn1, r.sn1, l.sn1_ph, r.sn1_ph) and _similar(l.sn2, r.sn2, l.sn2_ph, r.sn2_ph),
          {"surname_1": "similar", "surname_2": "similar"}),
    Level("first surname similar, second missing on one side", f'{_similar_sql("sn1")} AND {_SN2_MISSING}',
          lambda l, r: _similar(l.sn1, r.sn1, l.sn1_ph, r.sn1_ph) and (l.sn2 is None or r.sn2 is None),
          {"surname_1": "similar (typo)"}),
    Level("first surname only", _sql_eq("sn1_ph"), lambda l, r: _eq(l.sn1_ph, r.sn1_ph),
          {"surname_1": "exact or sounds the same"}),
    Level("one surname in the other position", '"sn1_ph_l" = "sn2_ph_r" OR "sn2_ph_l" = "sn1_ph_r"',
          lambda l, r: _eq(l.sn1_ph, r.sn2_ph) or _eq(l.sn2_ph, r.sn1_ph),
          {"surname_1": "one surname in common"}),
    Level("second surname only", _sql_eq("sn2_ph"), lambda l, r: _eq(l.sn2_ph, r.sn2_ph),
          {"surname_2": "exact or sounds the same"}),
    Level("names swapped between fields",
          'list_contains("g_ph_tokens_r", "sn1_ph_l") OR list_contains("g_ph_tokens_l", "sn1_ph_r") '
          'OR "name_bag_l" = "name_bag_r"',
          lambda l, r: _has(r.g_ph_tokens, l.sn1_ph) or _has(l.g_ph_tokens, r.sn1_ph) or _eq(l.name_bag, r.name_bag),
          {"surname_1": "matches their given names (fields swapped)"}),
    Level("different", "ELSE", lambda l, r: True),
))


_Y_L, _Y_R = 'substr("dob_s_l", 1, 4)', 'substr("dob_s_r", 1, 4)'
_MD_L, _MD_R = 'substr("dob_s_l", 5, 4)', 'substr("dob_s_r", 5, 4)'


def _partial_sql() -> str:
    return (f"({_MD_L} = '0101' OR {_MD_R} = '0101') AND {_Y_L} = {_Y_R}")


def _partial_py(l: Features, r: Features) -> bool:
    a, b = l.dob_s, r.dob_s
    return (a[4:] == "0101" or b[4:] == "0101") and a[:4] == b[:4]


def _swap_sql() -> str:
    return ('substr("dob_s_l", 1, 4) = substr("dob_s_r", 1, 4) AND substr("dob_s_l", 5, 2) = substr("dob_s_r", 7, 2)'
            ' AND substr("dob_s_l", 7, 2) = substr("dob_s_r", 5, 2)')


def _swap_py(l: Features, r: Features) -> bool:
    a, b = l.dob_s, r.dob_s
    return a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]




def _year_typo_sql() -> str:
    return (f"{_MD_L} = {_MD_R} AND ({typo1_sql(_Y_L, _Y_R)} OR "
            f"abs(CAST({_Y_L} AS INTEGER) - CAST({_Y_R} AS INTEGER)) = 1)")


def _year_typo_py(l: Features, r: Features) -> bool:
    a, b = l.dob_s, r.dob_s
    return a[4:] == b[4:] and (typo1(a[:4], b[:4]) or abs(int(a[:4]) - int(b[:4])) == 1)


DOB = Comparison("dob", "Date of birth (day/month swap, typos, distance)", (
    Level("null", _null("dob_s"), lambda l, r: l.dob_s is None or r.dob_s is None, null=True),
    Level("exact", _sql_eq("dob_s"), lambda l, r: l.dob_s == r.dob_s, {"dob": "exact"}),
    # 1 January is what registers write when only the year is known: compare the year only
    Level("1 January on one side (year only), same year", _partial_sql(), _partial_py,
          {"dob": "year only"}),
    Level("day/month swapped", _swap_sql(), _swap_py, {"dob": "day/month swapped"}),
    Level("same day and month, year one typo or +-1", _year_typo_sql(), _year_typo_py,
          {"dob": "same day and month, year differs by one digit"}),
    Level("same year, day or month one typo", f"{_Y_L} = {_Y_R} AND {typo1_sql(_MD_L, _MD_R)}",
          lambda l, r: l.dob_s[:4] == r.dob_s[:4] and typo1(l.dob_s[4:], r.dob_s[4:]),
          {"dob": "same year, day or month differs by one digit"}),
    Level("one typo", _sql_dl("dob_s"), lambda l, r: dl1(l.dob_s, r.dob_s), {"dob": "one digit differs"}),
    Level("same month and year", 'substr("dob_s_l", 1, 6) = substr("dob_s_r", 1, 6)',
          lambda l, r: l.dob_s[:6] == r.dob_s[:6], {"dob": "same month and year"}),
    Level("within a week", 'abs("dob_ord_l" - "dob_ord_r") <= 7', lambda l, r: abs(l.dob_ord - r.dob_ord) <= 7,
          {"dob": "within a week"}),
    Level("within a year", 'abs("dob_ord_l" - "dob_ord_r") <= 366', lambda l, r: abs(l.dob_ord - r.dob_ord) <= 366),
    Level("within ten years", 'abs("dob_ord_l" - "dob_ord_r") <= 3653',
          lambda l, r: abs(l.dob_ord - r.dob_ord) <= 3653),
    Level("more than ten years apart", "ELSE", lambda l, r: True),
))

SEX = Comparison("sex", "Sex", (
    Level("null", _null("sex"), lambda l, r: l.sex is None or r.sex is None, null=True),
    Level("exact", _sql_eq("sex"), lambda l, r: l.sex == r.sex, {"sex": "exact"}),
    Level("different", "ELSE", lambda l, r: True),
))

NATIONALITY = Comparison("nationality", "Nationality", (
    Level("null", _null("nationality"), lambda l, r: l.nationality is None or r.nationality is None, null=True),
    Level("exact", _sql_eq("nationality"), lambda l, r: l.nationality == r.nationality, {"nationality": "exact"}),
    Level("different", "ELSE", lambda l, r: True),
))

DOC = Comparison("doc", "Identity document number (normalised)", (
    Level("null", _null("doc"), lambda l, r: l.doc is None or r.doc is None, null=True),
    Level("exact", _sql_eq("doc"), lambda l, r: l.doc == r.doc, {"doc_number": "exact"}),
    Level("one typo, same document class", f'"doc_class_l" = "doc_class_r" AND {_sql_dl("doc")}',
          lambda l, r: l.doc_class == r.doc_class and dl1(l.doc, r.doc), {"doc_number": "one character differs"}),
    # a passport against a national id says nothing either way (one person holds both): Bayes factor 1,
    # not estimated (EM gave it 2^18 on data where fraudulent documents are of another class)
    Level("different document classes", '"doc_class_l" <> "doc_class_r"', lambda l, r: l.doc_class != r.doc_class,
          null=True),
    Level("different", "ELSE", lambda l, r: True),
))

PHONE = Comparison("phone", "Phone (E.164)", (
    Level("null", _null("phone"), lambda l, r: l.phone is None or r.phone is None, null=True),
    Level("exact", _sql_eq("phone"), lambda l, r: l.phone == r.phone, {"phone": "exact"}),
    Level("same last eight digits", _sql_eq("phone_tail"), lambda l, r: l.phone_tail == r.phone_tail,
          {"phone": "same number, different country code"}),
    Level("different", "ELSE", lambda l, r: True),
))

COMPARISONS: tuple[Comparison, ...] = (GIVEN, SURNAMES, DOB, SEX, NATIONALITY, DOC, PHONE)


def blocking_rule_sql(left: str, right: str | None = None) -> str:
    """A blocking rule: ``l.left = r.right``, records from different source countries (see .blocking)."""
    return rule_sql(left, right)

"""Candidate generation (blocking): the ONE place where blocking keys and rules are defined.

Batch (Splink's ``blocking_rules_to_generate_predictions``), the online index (posting lists) and
the database index of the online check all take their keys from :func:`blocking_keys` and their
rules from :data:`BLOCKING_RULES`, so they propose exactly the same candidate pairs.

A pair of records from *different* source countries is a candidate when ``l.<left> = r.<right>``
for some rule ``(left, right)``.  Keys are built from the phonetic/canonical forms of
:mod:`.normalize`.  Asymmetric rules (``*_nodob``, ``*_p``) are used only when one side lacks
information (no date of birth, or a date of 1 January = day and month unknown): a symmetric rule
on the same key would bring in every namesake born the same year.

| key | what it catches |
|---|---|
| ``k_doc`` / ``k_phone`` | any name/date chaos when the document or phone is there |
| ``k_gsy`` given + first surname + year | day/month typos and swaps, 1 January dates |
| ``k_gsmd`` given + first surname + day-month (sorted) | year typos |
| ``k_sdob`` first surname + date (day/month sorted) | given-name changes |
| ``k_gdob`` given + date | surname changes (missing, swapped, typos beyond phonetics) |
| ``k_s2dob`` second surname + date | first-surname typos; with ``k_sdob``: surnames swapped |
| ``k_bag`` {given, first surname} + date | given names and surnames swapped between fields |
| ``k_name`` / ``k_name_nodob`` given + both surnames | a record without a date of birth |
| ``k_sy`` / ``k_sy_p`` first surname + year | a 1 January date whose given name also changed |
| ``k_gy`` / ``k_gy_p`` given + year | a 1 January date whose first surname also changed |
| ``k_gs`` / ``k_gs_nodob`` given + first surname | no date of birth and the second surname missing or changed |
| ``k_ssy`` both surnames (set) + year | given name changed and the date mistyped |
"""

from __future__ import annotations

#: Key columns, in the order of :func:`blocking_keys`'s result (they are columns of ``Features``).
BLOCKING_KEYS = ("k_doc", "k_phone", "k_gsy", "k_gsmd", "k_sdob", "k_gdob", "k_s2dob", "k_bag", "k_name",
                 "k_name_nodob", "k_sy", "k_sy_p", "k_gy", "k_gy_p", "k_gs", "k_gs_nodob", "k_ssy")

_SYMMETRIC = ("k_doc", "k_phone", "k_gsy", "k_gsmd", "k_sdob", "k_gdob", "k_s2dob", "k_bag", "k_ssy")
_ASYMMETRIC = (("k_sdob", "k_s2dob"), ("k_name_nodob", "k_name"), ("k_sy_p", "k_sy"), ("k_gy_p", "k_gy"),
               ("k_gs_nodob", "k_gs"))

#: Rules as (left key, right key).  Splink's dedupe keeps ``l`` before ``r``, so every asymmetric
#: rule is listed in both directions.
BLOCKING_RULES = tuple((k, k) for k in _SYMMETRIC) + tuple(
    rule for a, b in _ASYMMETRIC for rule in ((a, b), (b, a)))

#: Documents shorter than this are too ambiguous to propose a pair on their own.
MIN_DOC_KEY_CHARS = 5


def is_partial_date(dob_s: str | None) -> bool:
    """1 January: registers write it when only the year is known (day and month unknown)."""
    return dob_s is not None and dob_s[4:] == "0101"


def blocking_keys(g1_ph, sn1_ph, sn2_ph, dob_s, dob_key, year, md, doc, phone) -> tuple:
    """The blocking keys of one normalised record, in :data:`BLOCKING_KEYS` order (None = no key).

    Arguments are the normalised parts (:func:`.normalize.normalise_values` computes them):
    phonetic first given name and surnames, date ``YYYYMMDD``, date with day/month sorted, year,
    sorted day-month, document and E.164 phone."""
    k_name = k_name_nodob = k_gsy = k_gsmd = k_bag = k_gdob = k_sdob = k_s2dob = None
    k_sy = k_sy_p = k_gy = k_gy_p = k_gs = k_gs_nodob = k_ssy = None
    partial = is_partial_date(dob_s)
    if g1_ph is not None:
        if sn1_ph is not None:
            if sn2_ph is not None:
                k_name = f"{g1_ph}|{sn1_ph}|{sn2_ph}" if sn1_ph <= sn2_ph else f"{g1_ph}|{sn2_ph}|{sn1_ph}"
            else:
                k_name = f"{g1_ph}|{sn1_ph}|-"
            k_gs = f"{g1_ph}|{sn1_ph}"
            if dob_s is None:
                k_name_nodob = k_name
                k_gs_nodob = k_gs
            if year is not None:
                k_gsy = f"{g1_ph}|{sn1_ph}|{year}"
            if md is not None:
                k_gsmd = f"{g1_ph}|{sn1_ph}|{md}"
            if dob_key is not None:
                k_bag = f"{g1_ph}|{sn1_ph}|{dob_key}" if g1_ph <= sn1_ph else f"{sn1_ph}|{g1_ph}|{dob_key}"
        if dob_key is not None:
            k_gdob = f"{g1_ph}|{dob_key}"
        if year is not None:
            k_gy = f"{g1_ph}|{year}"
            k_gy_p = k_gy if partial else None
    if dob_key is not None:
        if sn1_ph is not None:
            k_sdob = f"{sn1_ph}|{dob_key}"
        if sn2_ph is not None:
            k_s2dob = f"{sn2_ph}|{dob_key}"
    if sn1_ph is not None and year is not None:
        k_sy = f"{sn1_ph}|{year}"
        k_sy_p = k_sy if partial else None
    if sn1_ph is not None and sn2_ph is not None and year is not None:
        k_ssy = f"{sn1_ph}|{sn2_ph}|{year}" if sn1_ph <= sn2_ph else f"{sn2_ph}|{sn1_ph}|{year}"
    k_doc = doc if doc is not None and len(doc) >= MIN_DOC_KEY_CHARS else None
    return (k_doc, phone, k_gsy, k_gsmd, k_sdob, k_gdob, k_s2dob, k_bag, k_name, k_name_nodob,
            k_sy, k_sy_p, k_gy, k_gy_p, k_gs, k_gs_nodob, k_ssy)


def rule_sql(left: str, right: str | None = None) -> str:
    """One blocking rule in SQL (Splink's ``l``/``r`` aliases): same key, different source country."""
    return f'l."{left}" = r."{right or left}" AND l."source_country" <> r."source_country"'

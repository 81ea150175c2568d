"""Candidate generation (blocking): the ONE place where blocking keys, rules and the cap are defined.

Batch (Splink's ``blocking_rules_to_generate_predictions``), the online index (posting lists) and
the database index of the online check all take their keys from :func:`blocking_keys`, their
rules from :data:`BLOCKING_RULES` and the cap from :data:`KEY_VALUE_CAP`, so they propose exactly
the same candidate pairs.

A pair of records from *different* source countries is a candidate when ``l.<left> = r.<right>``
for some rule ``(left, right)`` and neither ``(left, value)`` nor ``(right, value)`` is capped.
Keys are built from the phonetic/canonical forms of :mod:`.normalize`.  Asymmetric rules
(``*_nodob``, ``*_p``, ``*_lo``) are used only when one side lacks information (no date
of birth, or a date of 1 January = day and month unknown): a symmetric rule on the same key would
bring in every namesake born the same year.

| key | what it catches |
|---|---|
| ``k_doc`` / ``k_phone`` | any name/date chaos when the document or phone is there |
| ``k_gsy`` given + first surname + year | day/month typos and swaps, 1 January dates |
| ``k_gsmd`` given + first surname + day-month (sorted) | year typos |
| ``k_sdob`` first surname + date (day/month sorted) | given-name changes |
| ``k_gdob`` given + date | surname changes (missing, swapped, typos beyond phonetics) |
| ``k_s2dob`` second surname + date | first-surname typos; with ``k_sdob``: surnames swapped |
| ``k_bag`` {given, first surname} + date | given names and surnames swapped between fields |
| ``k_maxdob`` greatest name token + date | whole name in the wrong fields (the same token wins) |
| ``k_namedec`` given + both surnames (set) + decade of birth | a date wrong in two places (year and day) |
| ``k_name`` / ``k_name_nodob`` given + both surnames | a record without a date of birth |
| ``k_sy`` / ``k_sy_p`` first surname + year | a 1 January date whose given name also changed |
| ``k_gy`` / ``k_gy_p`` given + year | a 1 January date whose first surname also changed |
| ``k_gy_lo``, ``k_sy_lo`` | a 1 January date written from an age: its year is the true one or one more |
| ``k_gs`` / ``k_gs_p`` given + first surname | a 1 January date with any year |
| ``k_gs`` / ``k_gs_nodob`` given + first surname | no date of birth and the second surname missing or changed |
| ``k_gs2`` / ``k_gs2_nodob`` given + second surname | no date; first surname mistyped |
| ``k_ss`` / ``k_ss_nodob`` both surnames (set) | no date; given name changed or mistyped |
| ``k_is`` / ``k_is_nodob`` initial + first surname | no date; given name mistyped beyond phonetics |
| ``k_gi`` / ``k_gi_nodob`` given + surname initial | no date; first surname mistyped beyond phonetics |
| ``k_ssy`` both surnames (set) + year | given name changed and the date mistyped |
| ``k_ssmd`` both surnames (set) + day-month (sorted) | given name changed and the year mistyped |

**The cap** (bounded cost): a key value carried by more than :data:`KEY_VALUE_CAP` records in its
key column proposes nothing (neither through that column nor against it).  A value that frequent
(``MARIA|ERNANDES`` without a date at a million records) says little about identity and would
make the pairs grow with the square of the data; with the cap every lookup of a record returns at
most ``KEY_VALUE_CAP`` records, so candidates per record stay bounded whatever the volume.  The
batch applies it by nulling capped values in the loaded table (:func:`apply_cap`), the in-memory
index by the length of the posting list, the database index by counting postings at query time
(at most ``KEY_VALUE_CAP + 1`` index entries per key).  Counts are over every record of the batch
file / of the index (all countries, the query record included when it is indexed).
"""

from __future__ import annotations

#: Key columns, in the order of :func:`blocking_keys`'s result (they are columns of ``Features``).
BLOCKING_KEYS = ("k_doc", "k_phone", "k_gsy", "k_gsmd", "k_sdob", "k_gdob", "k_s2dob", "k_bag", "k_name",
                 "k_name_nodob", "k_sy", "k_sy_p", "k_gy", "k_gy_p", "k_gs", "k_gs_nodob", "k_ssy",
                 "k_maxdob", "k_gs_p", "k_gy_lo", "k_sy_lo", "k_gs2", "k_gs2_nodob",
                 "k_ss", "k_ss_nodob", "k_is", "k_is_nodob", "k_gi", "k_gi_nodob", "k_ssmd", "k_namedec")

_SYMMETRIC = ("k_doc", "k_phone", "k_gsy", "k_gsmd", "k_sdob", "k_gdob", "k_s2dob", "k_bag", "k_ssy", "k_maxdob",
              "k_namedec", "k_ssmd")
_ASYMMETRIC = (("k_sdob", "k_s2dob"), ("k_name_nodob", "k_name"), ("k_sy_p", "k_sy"), ("k_gy_p", "k_gy"),
               ("k_gs_nodob", "k_gs"), ("k_gs_p", "k_gs"), ("k_gy_lo", "k_gy"),
               ("k_sy_lo", "k_sy"), ("k_gs2_nodob", "k_gs2"), ("k_ss_nodob", "k_ss"), ("k_is_nodob", "k_is"), ("k_gi_nodob", "k_gi"))

#: Rules as (left key, right key).  Splink's dedupe keeps ``l`` before ``r``, so every asymmetric
#: rule is listed in both directions.
BLOCKING_RULES = tuple((k, k) for k in _SYMMETRIC) + tuple(
    rule for a, b in _ASYMMETRIC for rule in ((a, b), (b, a)))

#: Version of the keys: the database index re-indexes rows built with other keys (``enlace match-all``).
BLOCKING_VERSION = "2"

#: Documents shorter than this are too ambiguous to propose a pair on their own.
MIN_DOC_KEY_CHARS = 5

#: A key value carried by more records than this (in its key column) proposes no pair.  Chosen from
#: the key-value frequency distribution (``bench/linkage/blocking_stats.py --distribution``) and the cost
#: at 1M, one value for every source.  The frequent values are mostly keys without a date (given +
#: surname, initial + surname, ...), whose most frequent values carry 70-98 % of their pairs and are no
#: evidence of identity.  Measured at 1M records of the alt generator (model estimated from a 100k sample,
#: threshold 0.9): cap 300 - 121 candidates/record, reach 0.937, batch 581 s, F1 0.7870; cap 100 - 41
#: candidates/record, reach 0.900, batch 82 s on a quiet machine, peak 4.0 GiB, F1 0.7859.  The pairs
#: that the lower cap drops are ones the scoring does not accept anyway, so 100 keeps the 90 s budget.
#: ``None`` disables the cap.
KEY_VALUE_CAP: int | None = 100


def is_partial_date(dob_s: str | None) -> bool:
    """1 January: registers write it when only the year is known (day and month unknown)."""
    return dob_s is not None and dob_s[4:] == "0101"


def _pair(a: str, b: str) -> str:
    return f"{a}|{b}" if a <= b else f"{b}|{a}"


def blocking_keys(g1_ph, sn1_ph, sn2_ph, dob_s, dob_key, year, md, doc, phone) -> tuple:
    """The blocking keys of one normalised record, in :data:`BLOCKING_KEYS` order (None = no key).

    Arguments are the normalised parts (:func:`.normalize.normalise_values` computes them):
    phonetic first given name and surnames, date ``YYYYMMDD``, date with day/month sorted, year,
    sorted day-month, document and E.164 phone."""
    k_name = k_name_nodob = k_gsy = k_gsmd = k_bag = k_gdob = k_sdob = k_s2dob = None
    k_sy = k_sy_p = k_gy = k_gy_p = k_gs = k_gs_nodob = k_ssy = None
    k_maxdob = k_gs_p = k_gy_lo = k_sy_lo = k_gs2 = k_gs2_nodob = None
    k_ss = k_ss_nodob = k_is = k_is_nodob = k_gi = k_gi_nodob = k_ssmd = k_namedec = None
    partial = is_partial_date(dob_s)
    nodob = dob_s is None
    # a 1 January date written from an age (year of the record minus age) is the true year or the
    # next one (the birthday had not come yet): never an earlier year, so only year - 1 is keyed
    y_lo = f"{int(year) - 1:04d}" if partial and year is not None else None
    if g1_ph is not None:
        if sn1_ph is not None:
            k_name = f"{g1_ph}|{_pair(sn1_ph, sn2_ph)}" if sn2_ph is not None else f"{g1_ph}|{sn1_ph}|-"
            k_gs = f"{g1_ph}|{sn1_ph}"
            k_gi = f"{g1_ph}|{sn1_ph[0]}"
            if dob_s is not None:
                # the decade, not the year: the full name is rare enough, the date may be wrong twice
                k_namedec = f"{k_name}|{dob_s[:3]}"
            if nodob:
                k_name_nodob = k_name
                k_gs_nodob = k_gs
                k_gi_nodob = k_gi
            elif partial:
                k_gs_p = k_gs
            if year is not None:
                k_gsy = f"{g1_ph}|{sn1_ph}|{year}"
            if md is not None:
                k_gsmd = f"{g1_ph}|{sn1_ph}|{md}"
            if dob_key is not None:
                k_bag = f"{_pair(g1_ph, sn1_ph)}|{dob_key}"
        if sn2_ph is not None:
            k_gs2 = f"{g1_ph}|{sn2_ph}"
            k_gs2_nodob = k_gs2 if nodob else None
        if dob_key is not None:
            k_gdob = f"{g1_ph}|{dob_key}"
        if year is not None:
            k_gy = f"{g1_ph}|{year}"
            k_gy_p = k_gy if partial else None
        if y_lo is not None:
            k_gy_lo = f"{g1_ph}|{y_lo}"
    if dob_key is not None:
        if sn1_ph is not None:
            k_sdob = f"{sn1_ph}|{dob_key}"
        if sn2_ph is not None:
            k_s2dob = f"{sn2_ph}|{dob_key}"
    if sn1_ph is not None:
        if year is not None:
            k_sy = f"{sn1_ph}|{year}"
            k_sy_p = k_sy if partial else None
        if y_lo is not None:
            k_sy_lo = f"{sn1_ph}|{y_lo}"
        if g1_ph is not None:
            k_is = f"{g1_ph[0]}|{sn1_ph}"
            k_is_nodob = k_is if nodob else None
        if sn2_ph is not None:
            k_ss = _pair(sn1_ph, sn2_ph)
            k_ss_nodob = k_ss if nodob else None
            if year is not None:
                k_ssy = f"{k_ss}|{year}"
            if md is not None:
                k_ssmd = f"{k_ss}|{md}"
    if dob_s is not None:
        tokens = [t for t in (g1_ph, sn1_ph, sn2_ph) if t is not None]
        if len(tokens) >= 2:
            k_maxdob = f"{max(tokens)}|{dob_s}"
    k_doc = doc if doc is not None and len(doc) >= MIN_DOC_KEY_CHARS else None
    return (k_doc, phone, k_gsy, k_gsmd, k_sdob, k_gdob, k_s2dob, k_bag, k_name, k_name_nodob,
            k_sy, k_sy_p, k_gy, k_gy_p, k_gs, k_gs_nodob, k_ssy,
            k_maxdob, k_gs_p, k_gy_lo, k_sy_lo, k_gs2, k_gs2_nodob,
            k_ss, k_ss_nodob, k_is, k_is_nodob, k_gi, k_gi_nodob, k_ssmd, k_namedec)


def rule_sql(left: str, right: str | None = None) -> str:
    """One blocking rule in SQL (Splink's ``l``/``r`` aliases): same key, different source country."""
    return f'l."{left}" = r."{right or left}" AND l."source_country" <> r."source_country"'


def rule_columns() -> tuple[str, ...]:
    """Every key column some rule uses (the columns the cap applies to)."""
    return tuple(sorted({k for rule in BLOCKING_RULES for k in rule}))


def is_capped(count: int, cap: int | None = None) -> bool:
    """True when a key value carried by ``count`` records proposes nothing."""
    cap = KEY_VALUE_CAP if cap is None else cap
    return cap is not None and cap > 0 and count > cap


def apply_cap(con, table: str, cap: int | None = None) -> dict[str, int]:
    """Null, in DuckDB table ``table``, every key value carried by more than the cap's records in its
    column (the batch side of the cap).  Returns the number of capped values per column."""
    cap = KEY_VALUE_CAP if cap is None else cap
    if cap is None or cap <= 0:
        return {}
    out = {}
    for col in rule_columns():
        n = con.execute(f'SELECT count(*) FROM (SELECT "{col}" FROM {table} WHERE "{col}" IS NOT NULL '
                        f'GROUP BY 1 HAVING count(*) > {int(cap)})').fetchall()[0][0]
        if n:
            con.execute(f'UPDATE {table} SET "{col}" = NULL WHERE "{col}" IN (SELECT "{col}" FROM {table} '
                        f'WHERE "{col}" IS NOT NULL GROUP BY 1 HAVING count(*) > {int(cap)})').fetchall()
            out[col] = n
    return out

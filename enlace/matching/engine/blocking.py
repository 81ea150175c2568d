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
| ``k_s2dob`` second surname + date | first-surname typos (surnames swapped: the sets in ``k_ssy``, ``k_ssmd``, ``k_namedec``) |
| ``k_bag`` {given, first surname} + date | given names and surnames swapped between fields |
| ``k_maxdob`` greatest name token + date | whole name in the wrong fields (the same token wins) |
| ``k_namedec`` given + both surnames (set) + decade of birth | a date wrong in two places (year and day) |
| ``k_name`` / ``k_name_nodob`` given + both surnames | a record without a date of birth |
| ``k_sy`` / ``k_sy_p`` first surname + year | a 1 January date whose given name also changed |
| ``k_gy`` / ``k_gy_p`` given + year | a 1 January date whose first surname also changed |
| ``k_gs`` / ``k_gs_p`` given + first surname | a 1 January date with any year |
| ``k_gs`` / ``k_gs_nodob`` given + first surname | no date of birth and the second surname missing or changed |
| ``k_gs2`` / ``k_gs2_nodob`` given + second surname | no date; first surname mistyped |
| ``k_ss`` / ``k_ss_nodob`` both surnames (set) | no date; given name changed or mistyped |
| ``k_is`` / ``k_is_nodob`` initial + first surname | no date; given name mistyped beyond phonetics |
| ``k_gi`` / ``k_gi_nodob`` given + surname initial | no date; first surname mistyped beyond phonetics |
| ``k_ssy`` both surnames (set) + year | given name changed and the date mistyped |
| ``k_ssmd`` both surnames (set) + day-month (sorted) | given name changed and the year mistyped |
| ``k_gsn``, ``k_namen``, ``k_isn``, ``k_gin``, ``k_ssn`` / their ``_nodob`` | no date: the key of the same name + nationality, which takes over where the plain value is capped |
| ``k_ginn``, ``k_ssng`` / their ``_nodob`` | no date, and even the key + nationality capped: + the other surname's / the given name's initial |
| ``k_gsn`` / ``k_gsn_p``; ``k_gyn`` / ``k_gyn_p`` (+ nationality) | a 1 January date, the plain ``k_gs`` / ``k_gy`` value capped |
| ``k_gsy_lo``, ``k_ssy_lo``, ``k_gs2y_lo`` against ``k_gsy``, ``k_ssy``, ``k_gs2y`` (+ year) | a 1 January date written from an age (its year one more than the true one), one part of the name changed |

**The cap** (bounded cost): a key value carried by more than :data:`KEY_VALUE_CAP` records in its
key column proposes nothing (neither through that column nor against it).  A value that frequent
(``MARIA|ERNANDES`` without a date at a million records) says little about identity and would
make the pairs grow with the square of the data; with the cap every lookup of a record returns at
most ``KEY_VALUE_CAP`` records, so candidates per record stay bounded whatever the volume.  The
batch applies it by nulling capped values in the loaded table (:func:`apply_cap`), the in-memory
index by the length of the posting list, the database index by counting postings at query time
(at most ``KEY_VALUE_CAP + 1`` index entries per key).  Counts are over every record of the batch
file / of the index (all countries, the query record included when it is indexed).

**Refined keys** (issue 13): the cap drops a frequent value, and with it the true pairs whose only
shared key is that value (at 1M on the alt generator, 8 % of the true pairs: mostly a record without
a date whose name is common).  So the no-date and 1 January keys also exist refined by one more
attribute that both records of a true pair still share: nationality first (equal in 78 % of those
pairs, unknown on one side in the rest; "-" when unknown), then a name initial.  A refined key
proposes a subset of its plain key's pairs, so it adds nothing while the plain value is under the
cap and takes over where it is capped; the cap applies to it like to any key (nothing new in the
three paths).  Rules that cost candidates without reaching true pairs of their own
(``blocking_stats.py --rules``) were dropped: first surname + date against second surname + date,
and given name / first surname + year - 1 for 1 January dates (replaced by the two-part keys
``k_gsy_lo``, ``k_ssy_lo``, ``k_gs2y_lo``).
"""

from __future__ import annotations

#: Key columns, in the order of :func:`blocking_keys`'s result (they are columns of ``Features``).
BLOCKING_KEYS = ("k_doc", "k_phone", "k_gsy", "k_gsmd", "k_sdob", "k_gdob", "k_s2dob", "k_bag", "k_name",
                 "k_name_nodob", "k_sy", "k_sy_p", "k_gy", "k_gy_p", "k_gs", "k_gs_nodob", "k_ssy",
                 "k_maxdob", "k_gs_p", "k_gs2", "k_gs2_nodob",
                 "k_ss", "k_ss_nodob", "k_is", "k_is_nodob", "k_gi", "k_gi_nodob", "k_ssmd", "k_namedec",
                 # refined by nationality: they take over where the plain key's value is capped
                 "k_gsn", "k_gsn_nodob", "k_namen", "k_namen_nodob", "k_isn", "k_isn_nodob",
                 "k_gin", "k_gin_nodob", "k_ssn", "k_ssn_nodob", "k_gsn_p", "k_gyn", "k_gyn_p",
                 # refined twice: where even the key + nationality is capped
                 "k_ginn", "k_ginn_nodob", "k_ssng", "k_ssng_nodob",
                 # a 1 January date written from an age, with a name changed in one part
                 "k_gsy_lo", "k_ssy_lo", "k_gs2y", "k_gs2y_lo")

_SYMMETRIC = ("k_doc", "k_phone", "k_gsy", "k_gsmd", "k_sdob", "k_gdob", "k_s2dob", "k_bag", "k_ssy", "k_maxdob",
              "k_namedec", "k_ssmd")
_ASYMMETRIC = (("k_name_nodob", "k_name"), ("k_sy_p", "k_sy"), ("k_gy_p", "k_gy"),
               ("k_gs_nodob", "k_gs"), ("k_gs_p", "k_gs"), ("k_gs2_nodob", "k_gs2"), ("k_ss_nodob", "k_ss"),
               ("k_is_nodob", "k_is"), ("k_gi_nodob", "k_gi"),
               ("k_gsn_nodob", "k_gsn"), ("k_namen_nodob", "k_namen"), ("k_isn_nodob", "k_isn"),
               ("k_gin_nodob", "k_gin"), ("k_ssn_nodob", "k_ssn"), ("k_gsn_p", "k_gsn"), ("k_gyn_p", "k_gyn"),
               ("k_ginn_nodob", "k_ginn"), ("k_ssng_nodob", "k_ssng"),
               ("k_gsy_lo", "k_gsy"), ("k_ssy_lo", "k_ssy"), ("k_gs2y_lo", "k_gs2y"))

#: Rules as (left key, right key).  Splink's dedupe keeps ``l`` before ``r``, so every asymmetric
#: rule is listed in both directions.
BLOCKING_RULES = tuple((k, k) for k in _SYMMETRIC) + tuple(
    rule for a, b in _ASYMMETRIC for rule in ((a, b), (b, a)))

#: Version of the keys: the database index re-indexes rows built with other keys (``enlace match-all``).
BLOCKING_VERSION = "4"

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


def blocking_keys(g1_ph, sn1_ph, sn2_ph, dob_s, dob_key, year, md, doc, phone, nat=None) -> tuple:
    """The blocking keys of one normalised record, in :data:`BLOCKING_KEYS` order (None = no key).

    Arguments are the normalised parts (:func:`.normalize.normalise_values` computes them):
    phonetic first given name and surnames, date ``YYYYMMDD``, date with day/month sorted, year,
    sorted day-month, document, E.164 phone and nationality (ISO alpha-3)."""
    k_name = k_name_nodob = k_gsy = k_gsmd = k_bag = k_gdob = k_sdob = k_s2dob = None
    k_sy = k_sy_p = k_gy = k_gy_p = k_gs = k_gs_nodob = k_ssy = None
    k_maxdob = k_gs_p = k_gs2 = k_gs2_nodob = None
    k_ss = k_ss_nodob = k_is = k_is_nodob = k_gi = k_gi_nodob = k_ssmd = k_namedec = None
    partial = is_partial_date(dob_s)
    nodob = dob_s is None
    # a 1 January date written from an age (year of the record minus age) is the true year or the
    # next one (the birthday had not come yet): never an earlier year, so only year - 1 is keyed, and
    # with two name parts (given + a surname, both surnames): given + year alone costs 3 candidates
    # per record at 1M for 0.1 % of the true pairs
    y_lo = f"{int(year) - 1:04d}" if partial and year is not None else None
    k_gsy_lo = k_ssy_lo = k_gs2y = k_gs2y_lo = None
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
            if y_lo is not None:
                k_gsy_lo = f"{g1_ph}|{sn1_ph}|{y_lo}"
            if md is not None:
                k_gsmd = f"{g1_ph}|{sn1_ph}|{md}"
            if dob_key is not None:
                k_bag = f"{_pair(g1_ph, sn1_ph)}|{dob_key}"
        if sn2_ph is not None:
            k_gs2 = f"{g1_ph}|{sn2_ph}"
            k_gs2_nodob = k_gs2 if nodob else None
            if year is not None:
                k_gs2y = f"{k_gs2}|{year}"
            if y_lo is not None:
                k_gs2y_lo = f"{k_gs2}|{y_lo}"
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
    if sn1_ph is not None:
        if year is not None:
            k_sy = f"{sn1_ph}|{year}"
            k_sy_p = k_sy if partial else None
        if g1_ph is not None:
            k_is = f"{g1_ph[0]}|{sn1_ph}"
            k_is_nodob = k_is if nodob else None
        if sn2_ph is not None:
            k_ss = _pair(sn1_ph, sn2_ph)
            k_ss_nodob = k_ss if nodob else None
            if year is not None:
                k_ssy = f"{k_ss}|{year}"
            if y_lo is not None:
                k_ssy_lo = f"{k_ss}|{y_lo}"
            if md is not None:
                k_ssmd = f"{k_ss}|{md}"
    if dob_s is not None:
        tokens = [t for t in (g1_ph, sn1_ph, sn2_ph) if t is not None]
        if len(tokens) >= 2:
            k_maxdob = f"{max(tokens)}|{dob_s}"
    k_doc = doc if doc is not None and len(doc) >= MIN_DOC_KEY_CHARS else None
    # Refined keys: the same key plus the nationality ("-" when unknown).  Their pairs are a subset of
    # the plain key's, so they add nothing while the plain value is under the cap; when it is capped
    # (MARIA|ERNANDES without a date at 1M) the refined value, ten times rarer, still proposes.
    n = nat or "-"
    k_gsn = _ref(k_gs, n)
    k_namen = _ref(k_name, n)
    k_isn = _ref(k_is, n)
    k_gin = _ref(k_gi, n)
    k_ssn = _ref(k_ss, n)
    k_gyn = _ref(k_gy, n)
    # the second refinement: the other surname's initial / the given name's initial
    k_ginn = _ref(k_gin, sn2_ph[0] if sn2_ph else "-")
    k_ssng = _ref(k_ssn, g1_ph[0] if g1_ph else "-")
    return (k_doc, phone, k_gsy, k_gsmd, k_sdob, k_gdob, k_s2dob, k_bag, k_name, k_name_nodob,
            k_sy, k_sy_p, k_gy, k_gy_p, k_gs, k_gs_nodob, k_ssy,
            k_maxdob, k_gs_p, k_gs2, k_gs2_nodob,
            k_ss, k_ss_nodob, k_is, k_is_nodob, k_gi, k_gi_nodob, k_ssmd, k_namedec,
            k_gsn, k_gsn if nodob else None, k_namen, k_namen if nodob else None,
            k_isn, k_isn if nodob else None, k_gin, k_gin if nodob else None, k_ssn, k_ssn if nodob else None,
            k_gsn if partial else None, k_gyn, k_gyn if partial else None,
            k_ginn, k_ginn if nodob else None, k_ssng, k_ssng if nodob else None,
            k_gsy_lo, k_ssy_lo, k_gs2y, k_gs2y_lo)


def _ref(key: str | None, attr: str) -> str | None:
    """``key`` refined by one more attribute (None stays None)."""
    return None if key is None else f"{key}|{attr}"


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


#: Refined key column -> the key column it refines (its pairs are a subset of that key's pairs).
#: Second refinements first: :func:`apply_cap` reads the parent's value before the parent is touched.
REFINED = {"k_ginn": "k_gin", "k_ginn_nodob": "k_gin_nodob", "k_ssng": "k_ssn", "k_ssng_nodob": "k_ssn_nodob",
           "k_gsn": "k_gs", "k_gsn_nodob": "k_gs_nodob", "k_gsn_p": "k_gs_p", "k_namen": "k_name",
           "k_namen_nodob": "k_name_nodob", "k_isn": "k_is", "k_isn_nodob": "k_is_nodob", "k_gin": "k_gi",
           "k_gin_nodob": "k_gi_nodob", "k_ssn": "k_ss", "k_ssn_nodob": "k_ss_nodob", "k_gyn": "k_gy",
           "k_gyn_p": "k_gy_p"}


def _refined_scope(col: str) -> tuple[str, ...]:
    """The plain columns whose cap decides whether ``col``'s pairs are already proposed: the parents of
    both sides of every rule ``col`` is in."""
    return tuple(sorted({REFINED[x] for rule in BLOCKING_RULES if col in rule for x in rule}))


def apply_cap(con, table: str, cap: int | None = None) -> dict[str, int]:
    """Null, in DuckDB table ``table``, every key value carried by more than the cap's records in its
    column (the batch side of the cap).  Returns the number of capped values per column.

    Also nulls a refined key (:data:`REFINED`) where its plain value is capped in none of the columns
    of its rules: the plain rule proposes those pairs already, and Splink would join them again only to
    drop them (the link step took 2.3 times as long at 1M).  The pairs are the same; the counts that
    decide the cap are taken before anything is nulled, as the indexes count them."""
    cap = KEY_VALUE_CAP if cap is None else cap
    if cap is None or cap <= 0:
        return {}
    out = {}
    cols = rule_columns()
    for col in cols:
        con.execute(f'CREATE OR REPLACE TEMP TABLE "__cap_{col}" AS SELECT "{col}" AS v FROM {table} '
                    f'WHERE "{col}" IS NOT NULL GROUP BY 1 HAVING count(*) > {int(cap)}')
        n = con.execute(f'SELECT count(*) FROM "__cap_{col}"').fetchall()[0][0]
        if n:
            out[col] = n
    for child, parent in REFINED.items():
        if child in cols:
            capped = " UNION ALL ".join(f'SELECT v FROM "__cap_{c}"' for c in _refined_scope(child))
            con.execute(f'UPDATE {table} SET "{child}" = NULL WHERE "{child}" IS NOT NULL AND "{parent}" IS NOT NULL '
                        f'AND "{parent}" NOT IN ({capped})').fetchall()
    for col in cols:
        if col in out:
            con.execute(f'UPDATE {table} SET "{col}" = NULL WHERE "{col}" IN (SELECT v FROM "__cap_{col}")').fetchall()
        con.execute(f'DROP TABLE "__cap_{col}"')
    return out

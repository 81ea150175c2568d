"""Builds the volume of issue 17 on PostgreSQL: a few template rows through the app's actions, then
COPY clones of them (a bench tool: the system path, no audit event per cloned row; the audit chain
and the policy tables stay consistent because every cloned row is a copy of a row the actions
wrote, with its owner, distribution and sharing group re-pointed at rows that exist).

Volume at ``scale`` 1: 100 000 cases, 655 000 entities (500 000 persons), 155 000 links
(a person holds a document), 60 000 hit notices, 50 000 exchange threads (each with its sharing
group, recipient country, message, receipt and response metric) and 5 000 directory contacts.
"""

from __future__ import annotations

import datetime
import json
import random
import time

COUNTRIES = ["GTM", "MEX", "HND", "SLV", "CRI", "PAN"]
GIVEN = ["José", "Juan", "Luis", "Carlos", "María", "Ana", "Rosa", "Pedro", "Jorge", "Miguel", "Sofía", "Elena",
         "Mario", "Óscar", "Wilmer", "Yajaira", "Kevin", "Brayan", "Dulce", "Marvin", "Edgar", "Ingrid", "Nelson",
         "Reina", "Santos", "Francisco", "Alejandro", "Gabriela", "Fernando", "Patricia"]
SURNAMES = ["Hernández", "García", "López", "Martínez", "Pérez", "González", "Rodríguez", "Ramírez", "Flores",
            "Cruz", "Morales", "Reyes", "Ortiz", "Castillo", "Mejía", "Chávez", "Aguilar", "Vásquez", "Juárez",
            "Méndez", "Ruiz", "Díaz", "Álvarez", "Romero", "Escobar", "Batres", "Xicará", "Coj", "Tzul", "Ajú"]
DISTRIBUTIONS = [("institution", 40), ("country", 30), ("network", 20), ("group", 10)]

VOLUME = {"cases": 100_000, "persons": 500_000, "documents": 155_000, "hits": 60_000, "threads": 50_000,
          "contacts": 5_000}


def _weighted(rng, pairs):
    x = rng.uniform(0, sum(w for _v, w in pairs))
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


def _adapt(v):
    return json.dumps(v) if isinstance(v, (dict, list)) else v


class Cloner:
    """COPY clones of one template row: every column copied, ``id`` and the given columns replaced."""

    def __init__(self, cur, table: str, template_id, key: str = "id"):
        self.cur, self.table = cur, table
        cur.execute(f'SELECT * FROM "{table}" WHERE "{key}" = %s', [template_id])
        cols, values = [d.name for d in cur.description], cur.fetchone()
        # Generated columns (cases_entity.search_text) are computed by PostgreSQL: COPY refuses them.
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND is_generated = 'ALWAYS'", [table])
        generated = {r[0] for r in cur.fetchall()}
        self.template = {c: v for c, v in zip(cols, values) if c not in generated}
        self.cols = list(self.template)
        cur.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
        self.next_id = cur.fetchone()[0] + 1

    def copy(self, rows):
        """``rows``: iterable of dicts of replaced columns; returns the ids given (in order)."""
        ids = []
        cols = ", ".join(f'"{c}"' for c in self.cols)
        with self.cur.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
            for over in rows:
                row = dict(self.template)
                row["id"] = self.next_id
                ids.append(self.next_id)
                self.next_id += 1
                row.update(over)
                copy.write_row([_adapt(row[c]) for c in self.cols])
        self.cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', 'id'), %s)", [self.next_id])
        return ids


def templates(users):
    """One case with a person, a passport and the link, a hit pair and a thread, through the actions."""
    from django.db import connection

    from enlace.cases import actions as cases
    from enlace.exchange.actions import do_send_thread
    from enlace.matching.models import HitNotice
    from enlace.sharing.policy import Distribution

    out = {}
    people = []
    for code in ("GTM", "MEX"):
        u = users[code]
        case = cases.do_create_case(u, title=f"Plantilla {code}", case_type="smuggling",
                                    distribution=Distribution.NETWORK)
        case = cases.do_set_case_matching(u, case, allow=True)
        person = cases.do_add_entity(u, case, schema="Person", role="suspect", given_names="José Luis",
                                     surname_1="Hernández", surname_2="Pérez", dob=datetime.date(1988, 3, 7),
                                     nationality="GTM", sex="M")
        doc = cases.do_add_entity(u, case, schema="Passport", doc_number="G12345678", doc_type="passport",
                                  doc_country="GTM")
        link = cases.do_add_link(u, case, kind="holds_document", source=person, target=doc)
        people.append(person)
        out.setdefault("case", case.pk)
        out.setdefault("person", person.pk)
        out.setdefault("document", doc.pk)
        out.setdefault("link", link.pk)
    # The online check ran after each commit (autocommit): the second person produced the hit pair.
    from enlace.matching.services import check_person

    check_person(people[1].pk)
    hit = HitNotice.objects.unrestricted(reason="bench: template").order_by("pk").first()
    if hit is None:
        raise SystemExit("no hit notice produced by the template pair: the engine did not match")
    out["hit"] = hit.pk
    thread, _created = do_send_thread(users["CRI"], {"kind": "info_request", "priority": "normal",
                                                     "subject": "Plantilla", "body": "Texto",
                                                     "recipient_countries": ["PAN"]})
    out["thread"] = thread.pk
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM exchange_message WHERE thread_id = %s", [thread.pk])
        out["message"] = (cur.fetchone() or [None])[0]
        cur.execute("SELECT id FROM exchange_receipt WHERE thread_id = %s", [thread.pk])
        out["receipt"] = (cur.fetchone() or [None])[0]
        cur.execute("SELECT id FROM exchange_responsemetric WHERE receipt_id = %s", [out["receipt"] or 0])
        out["metric"] = (cur.fetchone() or [None])[0]
        cur.execute("SELECT id FROM exchange_thread_recipient_countries WHERE thread_id = %s", [thread.pk])
        out["thread_country"] = (cur.fetchone() or [None])[0]
        out["group"] = thread.sharing_group_id
        cur.execute("SELECT id FROM sharing_sharinggroup_countries WHERE sharinggroup_id = %s", [thread.sharing_group_id])
        out["group_country"] = (cur.fetchone() or [None])[0]
        cur.execute("SELECT id FROM directory_contact ORDER BY id LIMIT 1")
        out["contact"] = (cur.fetchone() or [None])[0]
    return out


def build(users, scale: float = 1.0, seed: int = 17, log=print) -> dict:
    """Clone the templates up to the volume × ``scale``; returns the counts and timings."""
    from django.db import connection

    from enlace.core.models import Country

    rng = random.Random(seed)
    vol = {k: int(v * scale) for k, v in VOLUME.items()}
    t_all = time.perf_counter()
    tpl = templates(users)
    insts = {c: users[c].institution_id for c in COUNTRIES}
    country_ids = dict(Country.objects.filter(code__in=COUNTRIES).values_list("code", "pk"))
    now = datetime.datetime.now(datetime.timezone.utc)
    timings = {}
    with connection.cursor() as cur:
        raw = cur.cursor
        # --- threads first: their sharing groups are the groups that cases distributed to a group use
        t = time.perf_counter()
        groups = Cloner(raw, "sharing_sharinggroup", tpl["group"])
        pairs = [(rng.choice(COUNTRIES), None) for _ in range(vol["threads"])]
        pairs = [(s, rng.choice([c for c in COUNTRIES if c != s])) for s, _ in pairs]
        group_ids = groups.copy({"name": f"Hilo {i}", "owner_institution_id": insts[s], "created_at": now}
                                for i, (s, _r) in enumerate(pairs))
        gc = Cloner(raw, "sharing_sharinggroup_countries", tpl["group_country"])
        gc.copy({"sharinggroup_id": g, "country_id": country_ids[c]}
                for g, (s, r) in zip(group_ids, pairs) for c in (s, r))
        threads = Cloner(raw, "exchange_thread", tpl["thread"])
        thread_ids = threads.copy({"subject": f"Solicitud {i} {rng.choice(SURNAMES)}", "owner_institution_id": insts[s],
                                   "created_by_id": users[s].pk, "sharing_group_id": g, "idempotency_key": "",
                                   "created_at": now - datetime.timedelta(minutes=i),
                                   "updated_at": now - datetime.timedelta(minutes=i),
                                   "sent_at": now - datetime.timedelta(minutes=i)}
                                  for i, (g, (s, _r)) in enumerate(zip(group_ids, pairs)))
        Cloner(raw, "exchange_thread_recipient_countries", tpl["thread_country"]).copy(
            {"thread_id": th, "country_id": country_ids[r]} for th, (_s, r) in zip(thread_ids, pairs))
        if tpl["message"]:  # a thread's first text lives on the thread; messages are the replies
            Cloner(raw, "exchange_message", tpl["message"]).copy(
                {"thread_id": th, "owner_institution_id": insts[s], "sharing_group_id": g,
                 "created_by_id": users[s].pk} for th, g, (s, _r) in zip(thread_ids, group_ids, pairs))
        receipt_ids = Cloner(raw, "exchange_receipt", tpl["receipt"]).copy(
            {"thread_id": th, "country_id": country_ids[r], "owner_institution_id": insts[s], "sharing_group_id": g,
             "created_by_id": users[s].pk} for th, g, (s, r) in zip(thread_ids, group_ids, pairs))
        Cloner(raw, "exchange_responsemetric", tpl["metric"]).copy(
            {"receipt_id": rc, "country_id": country_ids[r]} for rc, (_s, r) in zip(receipt_ids, pairs))
        timings["threads_s"] = time.perf_counter() - t
        log(f"  {len(thread_ids)} threads in {timings['threads_s']:.0f} s", flush=True)

        # --- cases
        t = time.perf_counter()
        case_meta = []  # (owner country, distribution, group)
        for _i in range(vol["cases"]):
            c = rng.choice(COUNTRIES)
            d = _weighted(rng, DISTRIBUTIONS)
            case_meta.append((c, d, rng.choice(group_ids) if d == "group" else None))
        today = datetime.date.today()
        case_ids = Cloner(raw, "cases_case", tpl["case"]).copy(
            {"reference": f"{c}-V-{i:07d}", "title": f"Caso {rng.choice(SURNAMES)} {i}", "owner_institution_id": insts[c],
             "distribution": d, "sharing_group_id": g, "created_by_id": users[c].pk,
             "opened_on": today - datetime.timedelta(days=rng.randrange(3650)),
             "case_type": rng.choice(["smuggling", "trafficking"]), "allow_matching": rng.random() < 0.8,
             "summary": f"Resumen del caso {i}", "created_at": now, "updated_at": now}
            for i, (c, d, g) in enumerate(case_meta))
        timings["cases_s"] = time.perf_counter() - t
        log(f"  {len(case_ids)} cases in {timings['cases_s']:.0f} s", flush=True)

        # --- persons, documents, links
        t = time.perf_counter()
        person_case = [rng.randrange(len(case_ids)) for _ in range(vol["persons"])]
        person_case.sort()

        def person_rows():
            for i, ci in enumerate(person_case):
                c, d, g = case_meta[ci]
                given = rng.choice(GIVEN) + (" " + rng.choice(GIVEN) if rng.random() < 0.5 else "")
                s1, s2 = rng.choice(SURNAMES), rng.choice(SURNAMES)
                yield {"case_id": case_ids[ci], "owner_institution_id": insts[c], "distribution": d,
                       "sharing_group_id": g, "created_by_id": users[c].pk, "ftm_id": f"p-{i}",
                       "name": f"{given} {s1} {s2}", "given_names": given, "surname_1": s1, "surname_2": s2,
                       "dob": datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(16000)),
                       "sex": rng.choice("MF"), "nationality": rng.choice(COUNTRIES), "role": "suspect",
                       "created_at": now, "updated_at": now}

        person_ids = Cloner(raw, "cases_entity", tpl["person"]).copy(person_rows())
        doc_person = sorted(rng.sample(range(len(person_ids)), vol["documents"]))

        def doc_rows():
            for i, pi in enumerate(doc_person):
                c, d, g = case_meta[person_case[pi]]
                yield {"case_id": case_ids[person_case[pi]], "owner_institution_id": insts[c], "distribution": d,
                       "sharing_group_id": g, "created_by_id": users[c].pk, "ftm_id": f"d-{i}",
                       "doc_number": f"{c[0]}{rng.randrange(10**8):08d}", "created_at": now, "updated_at": now}

        doc_ids = Cloner(raw, "cases_entity", tpl["document"]).copy(doc_rows())
        Cloner(raw, "cases_link", tpl["link"]).copy(
            {"case_id": case_ids[person_case[pi]], "owner_institution_id": insts[case_meta[person_case[pi]][0]],
             "distribution": case_meta[person_case[pi]][1], "sharing_group_id": case_meta[person_case[pi]][2],
             "source_id": person_ids[pi], "target_id": di, "created_at": now, "updated_at": now}
            for pi, di in zip(doc_person, doc_ids))
        timings["entities_s"] = time.perf_counter() - t
        log(f"  {len(person_ids)} persons, {len(doc_ids)} documents and links in {timings['entities_s']:.0f} s",
            flush=True)

        # --- hit notices: a person's side of a hit with another country
        t = time.perf_counter()
        hit_person = rng.sample(range(len(person_ids)), vol["hits"])

        def hit_rows():
            for i, pi in enumerate(hit_person):
                c = case_meta[person_case[pi]][0]
                other = rng.choice([x for x in COUNTRIES if x != c])
                yield {"own_person_id": person_ids[pi], "owner_institution_id": insts[c], "created_by_id": None,
                       "own_record_id": f"cases.person.{person_ids[pi]}", "other_record_id": f"cases.person.x{i}",
                       "pair_key": f"v{i}", "other_country_id": country_ids[other], "other_institution_id": insts[other],
                       "probability": 0.95 + rng.random() * 0.05, "created_at": now - datetime.timedelta(minutes=i),
                       "updated_at": now}

        Cloner(raw, "matching_hitnotice", tpl["hit"]).copy(hit_rows())
        timings["hits_s"] = time.perf_counter() - t

        # --- directory contacts (not users: the directory's own people)
        t = time.perf_counter()
        Cloner(raw, "directory_contact", tpl["contact"]).copy(
            {"first_name": rng.choice(GIVEN), "last_name": f"{rng.choice(SURNAMES)} {i}",
             "normalized_name": f"CONTACTO {i}", "email": f"contacto{i}@bench.invalid", "user_id": None,
             "owner_institution_id": insts[rng.choice(COUNTRIES)]} for i in range(vol["contacts"]))
        timings["contacts_s"] = time.perf_counter() - t
        log("  hits and contacts done; ANALYZE…", flush=True)
        cur.execute("ANALYZE")
    timings["total_s"] = time.perf_counter() - t_all
    return {"volume": vol, "timings": {k: round(v, 1) for k, v in timings.items()}, "templates": tpl,
            "person_ids_sample": person_ids[:: max(1, len(person_ids) // 500)]}


def _records(lo: int, hi: int, docs: dict, pks=None):
    """Match records of the matchable persons with ``lo <= pk < hi``: the same dicts as
    ``matching_source.match_record`` (checked on a sample by ``_check_records``), read as tuples.

    The ORM path (model instances, three select_related levels and a prefetch per chunk) costs ~1.3 ms a
    person; ``values_list`` on the same ``matchable_queryset`` keeps its filters current and costs ~20 µs.
    """
    from enlace.cases.matching_source import matchable_queryset
    from enlace.cases.models import match_record_id

    qs = matchable_queryset().prefetch_related(None).filter(pk__gte=lo, pk__lt=hi)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    qs = (qs.values_list("pk", "case__owner_institution__country__code", "given_names", "surname_1", "surname_2",
                       "sex", "dob", "nationality", "doc_type", "doc_number", "schema", "phones"))
    for pk, src, given, s1, s2, sex, dob, nat, doc_type, doc_number, schema, phones in qs.iterator(chunk_size=5000):
        doc = docs.get(pk)
        if doc is None and doc_number:
            doc = (doc_type or schema, doc_number)
        yield {"record_id": match_record_id(pk), "source_country": src, "given_names": given or "",
               "surname_1": s1 or "", "surname_2": s2 or "", "sex": sex or "",
               "dob": dob.isoformat() if dob else "", "nationality": nat or "",
               "doc_type": doc[0] if doc else "", "doc_number": doc[1] if doc else "",
               "phone": phones[0] if phones else ""}


def _held_documents(lo: int, hi: int, pks=None) -> dict:
    """person pk -> (doc_type, doc_number) of the first document it holds (links oldest first), as
    ``matching_source._persons`` prefetches them."""
    from enlace.cases.models import Link

    docs: dict = {}
    qs = (Link.objects.unrestricted(reason="bench: documents held by the persons to index")
          .filter(kind=Link.Kind.HOLDS_DOCUMENT, target__isnull=False, source_id__gte=lo, source_id__lt=hi)
          .order_by("pk").values_list("source_id", "target__doc_type", "target__schema", "target__doc_number"))
    if pks is not None:
        qs = qs.filter(source_id__in=pks)
    for source, doc_type, schema, number in qs.iterator(chunk_size=20_000):
        if number and source not in docs:
            docs[source] = (doc_type or schema, number)
    return docs


def _check_records(n: int = 2000) -> int:
    """The fast records equal the ORM's ``match_record`` for a sample of persons (with and without
    documents): the index this bench writes is the one the online path would write."""
    from enlace.cases.matching_source import match_record, matchable_queryset

    pks = list(matchable_queryset().prefetch_related(None).order_by("?").values_list("pk", flat=True)[:n])
    slow = {}
    for p in matchable_queryset().filter(pk__in=pks):
        slow[p.pk] = match_record(p)
    fast = {int(r["record_id"].rsplit(".", 1)[1]): r
            for r in _records(0, 2**62, _held_documents(0, 2**62, pks), pks)}
    for pk in pks:
        if fast.get(pk) != slow[pk]:
            raise SystemExit(f"fast match record differs from the ORM's for person {pk}: {fast.get(pk)} != {slow[pk]}")
    return len(pks)


def _index_range(lo: int, hi: int, tf_cols: tuple) -> tuple:
    """Normalise and COPY the persons of ``[lo, hi)`` (its own connection); returns (n, counts).

    Nothing here reads the engine's files again (``tf_cols`` comes from the parent): the code was
    imported before the fork, so an engine being edited on disk meanwhile cannot break a long fill."""
    from collections import Counter

    from django.db import connection

    from enlace.matching import index as mindex
    from enlace.matching.engine.normalize import normalise_record
    from enlace.matching.engine.online import posted_keys

    counts: Counter = Counter()
    n = 0
    docs = _held_documents(lo, hi)
    batch = []

    def flush():
        with connection.cursor() as cur:
            raw = cur.cursor
            with raw.copy("COPY matching_indexedrecord (record_id, source_country, features, engine_version) "
                          "FROM STDIN") as copy:
                for f in batch:
                    copy.write_row([f.record_id, f.source_country or "", json.dumps(mindex._dump(f)),
                                    mindex.ENGINE_VERSION])
            with raw.copy("COPY matching_indexkey (record_id, key) FROM STDIN") as copy:
                for f in batch:
                    for c, v in posted_keys(f):
                        copy.write_row([f.record_id, mindex._key(c, v)])
        batch.clear()

    for rec in _records(lo, hi, docs):
        f = normalise_record(rec)
        if not f.record_id:
            continue
        batch.append(f)
        counts.update(mindex._counts_of(f, tf_cols))
        n += 1
        if len(batch) >= 20_000:
            flush()
    if batch:
        flush()
    connection.close()
    return n, counts


def _index_range_star(bounds):
    return _index_range(*bounds)


def index_persons(log=print, workers: int = 2) -> dict:
    """Fills the shared matching index with every matchable person, by COPY (what ``match-all`` rebuilds).

    Same rows as ``DatabaseIndex.rebuild`` (``posted_keys``, ``_counts_of`` of the engine, so a change of
    blocking keys is followed), but read as tuples and normalised in ``workers`` processes over pk ranges.
    """
    import multiprocessing
    from collections import Counter

    from django.db import connection
    from django.db.models import Max, Min

    from enlace.cases.models import Entity

    t = time.perf_counter()
    checked = _check_records()
    log(f"  fast records equal the ORM's for {checked} sampled persons", flush=True)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE matching_indexkey, matching_indexedrecord, matching_indexcount")
    agg = Entity.objects.unrestricted(reason="bench: pk range of the persons").aggregate(lo=Min("pk"), hi=Max("pk"))
    lo, hi = agg["lo"] or 0, (agg["hi"] or 0) + 1
    step = max(1, (hi - lo) // max(1, workers * 8) + 1)  # small ranges: progress and an even spread
    from enlace.matching import index as mindex

    tf_cols = tuple(mindex.DatabaseIndex().tf_columns)  # loads the model once, before the fork
    ranges = [(a, min(a + step, hi), tf_cols) for a in range(lo, hi, step)]
    counts: Counter = Counter()
    n = 0
    connection.close()  # forked workers must not share the parent's connection
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        for done, (k, c) in enumerate(pool.imap_unordered(_index_range_star, ranges), 1):
            n += k
            counts.update(c)
            log(f"  indexed {n} persons ({done}/{len(ranges)} ranges, {time.perf_counter() - t:.0f} s)", flush=True)
    with connection.cursor() as cur:
        with cur.cursor.copy('COPY matching_indexcount ("column", "value", "count") FROM STDIN') as copy:
            for (c, v), k in mindex.with_years(counts).items():
                copy.write_row([c, v, k])
        cur.execute("ANALYZE matching_indexkey; ANALYZE matching_indexedrecord; ANALYZE matching_indexcount")
    return {"indexed_persons": n, "index_s": round(time.perf_counter() - t, 1), "index_workers": workers,
            "records_checked": checked}

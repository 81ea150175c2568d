"""Issue 17, brief item 4 (measured, not done): would the "within the owner's country" narrowing help other lists?

    DATABASE_URL=postgresql://enlace@127.0.0.1:5499/enlace .venv/bin/python bench/hits/within_reach.py

EXPLAIN ANALYZE (best of 3) of a 50-row page and a bounded count of entities and released records, as
bench.gtm, with the plain policy and with ``owner_institution IN (my country's) OR distribution beyond``.
"""
import os
import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.volume.bench_settings")
import django; django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from enlace.cases.models import Entity
from enlace.matching.models import ReleasedRecord
from enlace.core.models import Institution
from enlace.sharing.policy import Distribution
u = get_user_model().objects.get(username="bench.gtm")
mine = list(Institution.objects.filter(country=u.institution.country_id).values_list("pk", flat=True))
reach = Q(owner_institution__in=mine) | Q(distribution__in=[Distribution.GROUP, Distribution.NETWORK, Distribution.PUBLIC])
def ex(label, qs):
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        best = None
        for _ in range(3):
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            t = cur.fetchone()[0][0]["Execution Time"]
            best = t if best is None else min(best, t)
    print(f"{label:55s} {best:8.1f} ms")
for model, order in ((Entity, None), (ReleasedRecord, None)):
    base = model.objects.restrict(u, "list")
    for name, qs in (("policy", base), ("policy + within_reach", base.filter(reach))):
        ex(f"{model.__name__} page 50 {name}", qs.order_by(*model._meta.ordering)[:50])
        ex(f"{model.__name__} count<=10001 {name}", qs.order_by().values("pk")[:10001])

"""Checks that ``build.index_persons`` (the bench's fast COPY path) writes exactly the index that the
application's own ``DatabaseIndex().rebuild(matchable_persons())`` writes: same records, features,
postings and counters. Run on a small database (it rebuilds twice):

    DATABASE_URL=postgresql://…/enlace_small DJANGO_SETTINGS_MODULE=bench.volume.bench_settings \\
        .venv/bin/python bench/volume/check_index.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def snapshot():
    from enlace.matching.models import IndexCount, IndexedRecord, IndexKey

    return (sorted(IndexedRecord.objects.values_list("record_id", "source_country", "features", "engine_version")),
            sorted(IndexKey.objects.values_list("record_id", "key")),
            sorted(IndexCount.objects.exclude(count=0).values_list("column", "value", "count")))


def main() -> int:
    import django

    django.setup()
    from enlace.cases.matching_source import matchable_persons
    from enlace.matching import index as mindex

    from bench.volume import build

    info = build.index_persons(workers=2)
    fast = snapshot()
    mindex.DatabaseIndex().rebuild(matchable_persons())
    slow = snapshot()
    for name, a, b in zip(("records", "postings", "counters"), fast, slow):
        print(f"{name}: fast {len(a)}, rebuild {len(b)}, {'equal' if a == b else 'DIFFERENT'}")
    print(info)
    return 0 if fast == slow else 1


if __name__ == "__main__":
    sys.exit(main())

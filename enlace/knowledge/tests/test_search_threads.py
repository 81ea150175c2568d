"""Search stems Spanish the same way whatever the number of threads serving requests at once."""

import sys
import threading

import pytest
import snowballstemmer

from enlace.knowledge import search

pytestmark = pytest.mark.django_db  # the app's fixtures load the knowledge base for every test

WORDS = ("entregas vigiladas investigaciones migrantes traficantes cooperación internacional protección "
         "víctimas extradición autoridades fronterizas capacitaciones operaciones conjuntas documentos "
         "fraudulentos identificación organizaciones delictivas").split()


def test_stemming_is_right_under_concurrency():
    reference = snowballstemmer.stemmer("spanish")
    expected = {w: reference.stemWord(search.fold(w)) for w in WORDS}
    wrong, errors = [], []
    start = threading.Barrier(8)

    def work(offset):
        try:
            start.wait()
            for i in range(3000):
                word = WORDS[(i + offset) % len(WORDS)]
                got = search.stem(search.fold(word))
                if got != expected[word]:
                    wrong.append((word, got))
        except Exception as exc:  # an IndexError inside a shared stemmer was a 500 in production
            errors.append(repr(exc))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show at once
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors[:3]
    assert not wrong, wrong[:5]


def test_each_thread_has_its_own_stemmer():
    seen = []

    def grab():
        search.stem("migrantes")
        seen.append(id(search._stemmer()))

    threads = [threading.Thread(target=grab) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 4

"""Record-linkage engine of Enlace: who in another country's records is the same person?

Pure Python, no Django.  Modules:

* :mod:`.normalize` - Latin-American names (accents, particles, two surnames, compound given names,
  diminutives from ``data/name_variants.tsv``, a Spanish phonetic key), dates of birth, document
  numbers (python-stdnum) and phones (phonenumbers, E.164);
* :mod:`.comparisons` - the comparison levels, each as Splink SQL and as a Python predicate;
* :mod:`.model` - the trained parameters (``model.json``) and the scoring arithmetic;
* :mod:`.batch` - ``link_csv(input, output, threshold=None)``: Splink on DuckDB over a CSV file;
* :mod:`.online` - ``OnlineIndex``: one record against an in-memory index in milliseconds;
* :mod:`.table` - CSV reading, parallel normalisation, loading into DuckDB;
* :mod:`.training` - how ``model.json`` is estimated (run by ``bench/linkage/train.py``).

See ``bench/README-linkage.md`` for the design, the benchmark and how to run it on Spark.
"""

__all__ = ["DEFAULT_THRESHOLD", "InputError", "OnlineIndex", "link_csv", "normalise_record"]


def __getattr__(name):  # lazy: importing the package must not import Splink or DuckDB
    if name in ("link_csv",):
        from .batch import link_csv

        return link_csv
    if name == "OnlineIndex":
        from .online import OnlineIndex

        return OnlineIndex
    if name == "DEFAULT_THRESHOLD":
        from .model import DEFAULT_THRESHOLD

        return DEFAULT_THRESHOLD
    if name == "InputError":
        from .table import InputError

        return InputError
    if name == "normalise_record":
        from .normalize import normalise_record

        return normalise_record
    raise AttributeError(name)

"""No cold start: what a process would otherwise build on its first hit check, built when it starts.

The first online check in a fresh process imports the matching engine, reads the trained model and
loads the phone-number metadata of the region (≈ 0.5–0.7 s, against ≈ 40 ms for the next checks;
``bench/coldstart/run.py``). ``enlace serve`` sets ``ENLACE_WARM_UP=1`` for its worker processes, whose
``JobsConfig.ready`` then calls :func:`warm_up` before the process answers anything; ``enlace worker``
calls it (with the database part) before it claims a task. Tests, management commands and shells
never pay for it. A failure is logged and ignored: a cold first check is slower, not wrong.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("enlace.jobs")

ENV = "ENLACE_WARM_UP"

# A made-up person: every feature the engine derives (names, date, document, phone) is computed once.
SAMPLE = {"record_id": "warm-up", "source_country": "GTM", "given_names": "José María", "surname_1": "Hernández",
          "surname_2": "Ajú", "sex": "M", "dob": "1988-03-07", "nationality": "GTM", "doc_type": "Passport",
          "doc_number": "G1234 5678", "phone": "+502 5555 1234"}


def requested() -> bool:
    return os.environ.get(ENV, "") == "1"


def warm_up(*, database: bool = False) -> float:
    """Import the engine, load the model and normalise a sample; with ``database``, also ask the shared
    index one (read-only) question. Returns the milliseconds it took (0 when it failed)."""
    start = time.perf_counter()
    try:
        from enlace.matching.engine.normalize import normalise_record
        from enlace.matching.services import get_index

        index = get_index()  # imports the engine and reads the trained model
        features = normalise_record(dict(SAMPLE))
        if database:
            index.match(features)
    except Exception:  # noqa: BLE001 - see the module docstring: never stop a process from starting
        log.warning("warm-up of the matching engine failed", exc_info=True)
        return 0.0
    elapsed = (time.perf_counter() - start) * 1000
    log.info("matching engine warmed up in %.0f ms", elapsed)
    return elapsed

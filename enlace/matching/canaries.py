"""Leak-probe canaries for uncertain pairs (``MatchingConfig.leak_probe_canaries``).

A Guatemalan person and a person of the United States (no reader in the probe) made through the
cases actions, and the uncertain pair between them stored by the engine's action. The pair never
leaves its institution (``widest_distribution``), whatever the family. Its other text fields are
filled by the engine, so the token is the reviewer's note ("cannot tell": the pair stays stored)."""

from __future__ import annotations

import datetime
import uuid


def plant(planter, name, dp, dc):
    from enlace.cases import actions as ca
    from enlace.sharing.policy import Distribution
    from enlace.testing.canaries import new_token

    from .actions import do_judge_uncertain_pair, do_save_uncertain_pair

    token = new_token()
    passport = f"U{uuid.uuid4().hex[:8].upper()}"

    def person(user, given):
        case = ca.do_create_case(user, title="Caso de un par dudoso", case_type="smuggling",
                                 distribution=Distribution.INSTITUTION)
        case = ca.do_set_case_matching(user, case, allow=True)
        return ca.do_add_entity(user, case, schema="Person", role="suspect", given_names=given, surname_1="Condori",
                                surname_2="Choque", dob=datetime.date(1984, 5, 6), nationality="GTM", sex="F",
                                doc_number=passport, doc_type="passport", doc_country="GTM")

    own, other = person(planter.owner, "Dudosa"), person(planter.usa, "Otra")
    pair, _new = do_save_uncertain_pair(own, own.to_match_record(), other.to_match_record(), 0.6,
                                        {"surname_1": "exact", "dob": "exact"})
    pair = do_judge_uncertain_pair(planter.owner, pair, "unsure", note=f"Nota {token}")
    planter.g.add(pair, token, name)

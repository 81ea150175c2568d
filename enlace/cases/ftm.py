"""FollowTheMoney (FtM) conversion: Enlace entities and links <-> FtM entity proxies (``followthemoney``).

Enlace-specific facts that FtM has no property for (a person's role in the case, whether that role was
reviewed) travel in an ``"enlace"`` key beside ``id``/``schema``/``properties``; FtM tools ignore it.
"""

from __future__ import annotations

import functools

from followthemoney import model

from .models import Entity, Link


@functools.lru_cache(maxsize=512)
def alpha2(alpha3: str) -> str | None:
    if not alpha3:
        return None
    from rigour.territories import get_territories

    for t in get_territories():
        if (getattr(t, "alpha3", None) or "").upper() == alpha3.upper():
            return t.code
    return None


@functools.lru_cache(maxsize=512)
def alpha3(code: str) -> str | None:
    """FtM country code (ISO alpha-2, lower case) -> ISO alpha-3, upper case."""
    if not code:
        return None
    if len(code) == 3:
        return code.upper()
    from rigour.territories import get_territory

    t = get_territory(code.lower())
    return (t.alpha3 or "").upper() or None if t is not None else None


def _put(proxy, prop, value):
    if value not in (None, "", []):
        proxy.add(prop, value, quiet=True)


def entity_to_proxy(entity: Entity, holders: list[Entity] | None = None):
    proxy = model.make_entity(entity.schema)
    proxy.id = entity.ftm_id
    for prop, values in (entity.properties or {}).items():
        if prop in proxy.schema.properties:
            for v in values if isinstance(values, list) else [values]:
                _put(proxy, prop, v)
    if entity.is_person:
        _put(proxy, "name", entity.caption)
        _put(proxy, "firstName", entity.given_names)
        _put(proxy, "fatherName", entity.surname_1)
        _put(proxy, "motherName", entity.surname_2)
        _put(proxy, "lastName", " ".join(p for p in (entity.surname_1, entity.surname_2) if p))
        _put(proxy, "birthDate", entity.dob.isoformat() if entity.dob else None)
        _put(proxy, "gender", {"F": "female", "M": "male", "X": "other"}.get(entity.sex))
        _put(proxy, "nationality", alpha2(entity.nationality))
        for phone in entity.phones or []:
            _put(proxy, "phone", phone)
    elif entity.is_document:
        _put(proxy, "number", entity.doc_number)
        _put(proxy, "type", entity.doc_type)
        _put(proxy, "country", alpha2(entity.doc_country))
        for holder in holders or []:
            _put(proxy, "holder", holder.ftm_id)
    else:
        _put(proxy, "name", entity.name)
    data = proxy.to_dict()
    if entity.is_person:
        data["enlace"] = {"role": entity.role, "role_reviewed": entity.role_reviewed}
    return data


def link_to_proxy(link: Link):
    """Links become FtM interval entities (Associate, Membership, Payment, UnknownLink); phones are values."""
    kind = link.kind
    if kind in (Link.Kind.USES_PHONE, Link.Kind.HOLDS_DOCUMENT):
        return None  # carried by Person.phone and Identification.holder
    if kind == Link.Kind.ASSOCIATE:
        proxy = model.make_entity("Associate")
        proxy.add("person", link.source.ftm_id)
        proxy.add("associate", link.target.ftm_id)
    elif kind == Link.Kind.MEMBER_OF:
        proxy = model.make_entity("Membership")
        proxy.add("member", link.source.ftm_id)
        proxy.add("organization", link.target.ftm_id)
    elif kind == Link.Kind.PAID:
        proxy = model.make_entity("Payment")
        proxy.add("payer", link.source.ftm_id)
        proxy.add("beneficiary", link.target.ftm_id)
        for prop in ("amount", "currency", "date", "purpose"):
            _put(proxy, prop, (link.details or {}).get(prop))
    else:  # travelled with
        proxy = model.make_entity("UnknownLink")
        proxy.add("subject", link.source.ftm_id)
        proxy.add("object", link.target.ftm_id)
        proxy.add("role", "travelled_with")
    proxy.id = link.ftm_id
    return proxy.to_dict()


def case_to_ftm(entities, links) -> list[dict]:
    entities = list(entities)
    visible = {e.pk for e in entities}
    holders: dict[int, list[Entity]] = {}
    out_links = []
    for link in links:
        if link.source_id not in visible or (link.target_id and link.target_id not in visible):
            continue
        if link.kind == Link.Kind.HOLDS_DOCUMENT:
            holders.setdefault(link.target_id, []).append(link.source)
        else:
            out_links.append(link)
    rows = [entity_to_proxy(e, holders.get(e.pk)) for e in entities]
    rows += [d for d in (link_to_proxy(link) for link in out_links) if d]
    return rows

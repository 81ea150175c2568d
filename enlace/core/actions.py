"""Writes of reference data (parties to the network, institutions). Atomic and audited."""

from __future__ import annotations

from django.db import transaction

from enlace.audit.log import log_event

from .models import Country, Institution


@transaction.atomic
def do_load_reference_rows(data: dict) -> dict:
    """Create or update the countries and observer institutions shipped in ``reference.json``.

    One audit event for the whole load, listing how many rows were created or changed.
    """
    created = updated = 0
    for row in data["countries"]:
        _obj, was_created = Country.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
        created += was_created
        updated += not was_created
    for row in data["observer_institutions"]:
        country = Country.objects.get(code=row["country"])
        _obj, was_created = Institution.objects.update_or_create(
            country=country, name=row["name"], defaults={"acronym": row["acronym"], "type": row["type"]})
        created += was_created
        updated += not was_created
    log_event("write", object_type="core.country", detail={"created": created, "updated": updated})
    return {"created": created, "updated": updated}


@transaction.atomic
def do_ensure_institution(actor, *, country: Country, name: str, type: str, acronym: str) -> Institution:
    """The institution named ``name`` in ``country``, created (and audited) if it does not exist."""
    inst = Institution.objects.filter(country=country, name=name).first()
    if inst is not None:
        return inst
    inst = Institution.objects.create(country=country, name=name, type=type, acronym=acronym)
    log_event("write", user=actor, obj=inst, after={"country": country.code, "type": type})
    return inst

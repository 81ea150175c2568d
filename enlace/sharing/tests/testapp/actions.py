from django.db import transaction

from enlace.audit.log import log_event

from .models import Bulletin, Dossier, DossierNote


@transaction.atomic
def _create(model, user, **fields):
    obj = model(owner_institution=user.institution, created_by=user, **fields)
    obj.clean_sharing()
    obj.save()
    log_event("write", user=user, obj=obj, after={"title": obj.title, "distribution": obj.distribution})
    return obj


def do_create_dossier(user, *, title, distribution="institution", sharing_group=None):
    return _create(Dossier, user, title=title, distribution=distribution, sharing_group=sharing_group)


def do_create_dossier_note(user, dossier, *, title, distribution, sharing_group=None):
    return _create(DossierNote, user, dossier=dossier, title=title, distribution=distribution,
                   sharing_group=sharing_group)


def do_create_bulletin(user, *, title, distribution="institution", sharing_group=None):
    return _create(Bulletin, user, title=title, distribution=distribution, sharing_group=sharing_group)

"""A role that may read hit notices but not case entities (the centre manager, who handles the notices
of stays) never sees a person's name through a notice: list, detail, review queue and API."""

import pytest

from enlace.testing import factories as f

from ..models import HitNotice
from ..presentation import hide_unreadable_people
from .test_hits import _fresh_index, hit  # noqa: F401  (the hit tests' fixtures: a GTM-MEX pair)


@pytest.mark.django_db
def test_a_notice_hides_its_person_from_a_role_that_cannot_read_case_entities(hit):  # noqa: F811
    owner_user, _mex, _jose_g, _jose_m = hit
    notice = HitNotice.objects.restrict(owner_user, "view").get()
    name = "Hernández"
    manager = f.user(owner_user.institution.country.code, "centre_manager", inst=owner_user.institution)
    assert manager.has_perm("matching.view_hitnotice") and not manager.has_perm("cases.view_entity")
    for client, url in ((f.verified_client(manager), "/coincidencias/"),
                        (f.verified_client(manager), f"/coincidencias/{notice.pk}/"),
                        (f.token_client(manager), "/api/v1/hits/"),
                        (f.token_client(manager), f"/api/v1/hits/{notice.pk}/")):
        r = client.get(url)
        assert r.status_code == 200, url
        assert name not in r.content.decode(), url
    # Test of the test: the owner's focal point, who may read the entity, sees the name.
    assert name in f.verified_client(owner_user).get("/coincidencias/").content.decode()
    # Only the loaded relation is hidden: the stored link is intact.
    hidden = hide_unreadable_people(manager, [type(notice).objects.unrestricted(reason="test").get(pk=notice.pk)])[0]
    assert hidden.own_person is None and hidden.own_person_id == notice.own_person_id

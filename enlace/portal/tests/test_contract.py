"""The cross-country contract for portal entries: drafts and proposals stay in their audience; the
ST alone approves (A = Guatemala, B = Honduras, C = Panamá)."""

import uuid

from enlace.portal import actions
from enlace.portal.models import PortalEntry
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f


def entry(owner, distribution, sharing_group=None, **kw):
    e = actions.do_create_portal_draft(owner, {"kind": "news", "title_es": "Noticia " + uuid.uuid4().hex[:10].translate(str.maketrans("0123456789", "ghijkmnpqr")),
                                               "summary_es": "Resumen", **kw})
    e = actions.do_propose_portal_entry(owner, e)
    if distribution != e.distribution:
        e = do_change_sharing(owner, e, distribution=distribution, sharing_group=sharing_group)
    return e


class TestPortalEntryContract(ProtectedModelContract):
    model = PortalEntry
    owner_role = "portal_editor"
    reader_role = "portal_editor"
    list_url = "/gestion-portal/"

    def make_record(self, owner, distribution, sharing_group=None):
        return entry(owner, distribution, sharing_group)

    def marker(self, record):
        return record.title_es

    def detail_url(self, record):
        return f"/gestion-portal/{record.pk}/"

    def decisions(self, record):
        return [("edit", lambda user, e: actions.do_edit_portal_entry(user, e, {"summary_es": "Otro resumen"})),
                ("approve", lambda user, e: actions.do_approve_portal_entry(user, e), lambda owner: f.user("CRM", "st"))]

    def test_approved_entry_is_public(self, world):
        owner = world[0]
        e = entry(owner, "network")
        actions.do_approve_portal_entry(f.user("CRM", "st"), e)
        assert PortalEntry.objects.unrestricted(reason="test").get(pk=e.pk).distribution == "public"

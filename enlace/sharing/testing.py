"""Generic cross-country tests that every protected model's tests inherit (NetBox-style).

Subclass ``ProtectedModelContract`` in an app's tests and fill in the hooks. The inherited tests
prove, through HTTP and the API as a user would meet them:

* anonymous → redirected to login (pages) / 401 (API);
* another country → 404 on detail, absent from list, count, search and export;
* shared with that country → visible;
* unshared (revoked) → gone on the very next request.

and, for writes and decisions (ARCHITECTURE.md rules 3 and 4), on a record shared with the whole
network (so every outsider *can read it*):

* officials of B and C, an official of another institution of A and officials of the owner's
  institution with other roles → 404 on the edit page (GET form and POST), 404 on the API
  (PATCH/DELETE), ``Http404``/``PermissionDenied`` from every decision action, and the row is
  unchanged in the database afterwards;
* the owner (or the declared decider) succeeds through the same doors.

Each write hook is optional (``None`` / ``[]`` → that test is skipped), so a subclass that only
declares reads keeps running. ``model`` names the model the class covers: the conventions test
(``core/tests/test_conventions.py``) fails for a protected model that no contract names.

Countries: A = Guatemala (owner), B = Honduras (reader), C = Panamá (never shared with).
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from openpyxl import load_workbook

from enlace.sharing.actions import do_change_sharing, do_create_sharing_group
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

A, B, C = "GTM", "HND", "PAN"


def xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def export_text(response) -> str:
    ctype = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in ctype:
        return xlsx_text(body)
    if "pdf" in ctype:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


@pytest.mark.django_db
class ProtectedModelContract:
    # --- what a subclass fills in -----------------------------------------------------------------
    model = None                 # the protected model this contract covers (checked by the conventions test)
    owner_role = "focal_point"   # role of the official who creates the record in country A
    reader_role = "focal_point"  # role of the officials of B and C who try to read it
    list_url: str | None = None          # page listing records
    export_url: str | None = None        # export (XLSX/CSV/PDF) of the list
    api_list_url: str | None = None      # API list (paginated, with "count")

    def make_record(self, owner, distribution: str, sharing_group=None):
        """Create a record owned by ``owner``'s institution, through the app's action."""
        raise NotImplementedError

    def marker(self, record) -> str:
        """A text that appears in list, search results and exports wherever the record is visible."""
        raise NotImplementedError

    def detail_url(self, record) -> str | None:
        return None

    def api_detail_url(self, record) -> str | None:
        return None

    def search_url(self, record) -> str | None:
        """A search page URL whose query finds ``record`` when it is visible."""
        return None

    def share_with_network(self, owner, record):
        return do_change_sharing(owner, record, distribution=Distribution.NETWORK)

    def _stays_in_country(self) -> bool:
        """The model never leaves its country (``widest_distribution``): the cross-border tests then
        prove that widening is refused instead of proving that it works."""
        widest = getattr(self.model, "widest_distribution", None) if self.model else None
        return bool(widest) and Distribution.rank(widest) < Distribution.rank(Distribution.GROUP)

    def _clamp(self, distribution: str) -> str:
        return Distribution.COUNTRY if self._stays_in_country() and distribution in (
            Distribution.GROUP, Distribution.NETWORK) else distribution

    def _assert_widening_refused(self, owner, record, reader):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            self.share_with_network(owner, self.fresh(record))
        with pytest.raises(ValidationError):
            self.share_with_group(owner, self.fresh(record), [B])
        seen = self._sees(reader, record)
        assert not any(seen.values()), seen

    # --- writes and decisions (optional hooks) ----------------------------------------------------
    # Who else tries: officials of B and C (``reader_role``), an official of another institution of
    # A (``other_institution_role``; None = the owner's role; set ``test_other_institution = False``
    # where the model's rule admits the whole owner country), and officials of the owner's
    # institution with ``other_roles``.
    other_institution_role: str | None = None
    test_other_institution = True
    other_roles: tuple[str, ...] = ("analyst", "auditor")
    # HTTP methods the API offers on ``api_edit_url`` (the owner must succeed with each).
    api_methods: tuple[str, ...] = ("PATCH", "DELETE")

    def edit_url(self, record) -> str | None:
        """The page that edits ``record`` (GET shows the form, POST saves)."""
        return None

    def edit_data(self, record) -> dict | None:
        """A valid POST for ``edit_url`` that changes the record (None: the owner's POST is not tried)."""
        return None

    def api_edit_url(self, record) -> str | None:
        """The API detail URL that takes PATCH and DELETE."""
        return None

    def api_edit_data(self, record) -> dict:
        """A valid PATCH body (JSON) that changes the record."""
        return {}

    def decisions(self, record) -> list:
        """``[(name, action)]`` or ``[(name, action, decider)]``: ``action(user, record)`` calls the app's
        action (authorise, validate, release…); ``decider(owner)`` is the user who must succeed
        (default: the owner; None: nobody is checked to succeed)."""
        return []

    def make_user(self, code: str, role: str, inst=None):
        """An official for the write tests (subclasses with their own ``world`` may override)."""
        return f.user(code, role, inst=inst)

    def snapshot(self, record):
        """The stored row of ``record`` (None when it is gone): compared before and after each try."""
        model = type(record)
        return model.objects.unrestricted(reason="contract: nothing changed").filter(pk=record.pk).values().first()

    def fresh(self, record):
        """``record`` as stored now (a failed try must not leave in-memory changes for the next one)."""
        return type(record).objects.unrestricted(reason="contract: fresh copy").get(pk=record.pk)

    def unshare(self, owner, record):
        return do_change_sharing(owner, record, distribution=Distribution.COUNTRY)

    def share_with_group(self, owner, record, countries):
        group = do_create_sharing_group(owner, name="grupo", countries=[f.country(c) for c in countries])
        return do_change_sharing(owner, record, distribution=Distribution.GROUP, sharing_group=group)

    # --- fixtures ---------------------------------------------------------------------------------
    @pytest.fixture
    def world(self, db):
        owner = f.user(A, self.owner_role)
        reader_b = f.user(B, self.reader_role)
        reader_c = f.user(C, self.reader_role)
        return owner, reader_b, reader_c

    def outsiders(self, world) -> list[tuple[str, object]]:
        """``[(label, user)]`` who may read a network-shared record but never write or decide on it."""
        from enlace.core.models import Institution

        owner, reader_b, reader_c = world
        people = [(f"{B} {self.reader_role}", reader_b), (f"{C} {self.reader_role}", reader_c)]
        if self.test_other_institution:
            types = [t for t in (Institution.Type.MIGRATION, Institution.Type.OTHER) if t != owner.institution.type]
            other = f.institution(A, types[0], name=f"Otra institución {A}")
            role = self.other_institution_role or self.owner_role
            people.append((f"{A} {role} (otra institución)", self.make_user(A, role, inst=other)))
        for role in self.other_roles:
            if role != self.owner_role:
                people.append((f"{A} {role} (misma institución)", self.make_user(A, role, inst=owner.institution)))
        return people

    def shared_record(self, owner):
        record = self.make_record(owner, Distribution.COUNTRY)
        return record if self._stays_in_country() else self.share_with_network(owner, record)

    # --- helpers ----------------------------------------------------------------------------------
    def _sees(self, user, record) -> dict[str, bool]:
        """Every surface at once: {surface: visible?} for a user and a record."""
        client = f.verified_client(user)
        marker = self.marker(record)
        seen = {}
        if self.detail_url(record):
            r = client.get(self.detail_url(record))
            assert r.status_code in (200, 404), (self.detail_url(record), r.status_code)
            seen["detail"] = r.status_code == 200
        if self.list_url:
            r = client.get(self.list_url)
            assert r.status_code == 200
            seen["list"] = marker in r.content.decode()
        if self.search_url(record):
            r = client.get(self.search_url(record))
            assert r.status_code == 200
            seen["search"] = marker in r.content.decode()
        if self.export_url:
            r = client.get(self.export_url)
            assert r.status_code == 200
            seen["export"] = marker in export_text(r)
        api = f.token_client(user)
        if self.api_list_url:
            r = api.get(self.api_list_url)
            assert r.status_code == 200
            seen["api_list"] = marker in r.content.decode()
        if self.api_detail_url(record):
            r = api.get(self.api_detail_url(record))
            assert r.status_code in (200, 404)
            seen["api_detail"] = r.status_code == 200
        model = type(record)
        seen["count"] = model.objects.restrict(user, "count").filter(pk=record.pk).count() == 1
        return seen

    # --- the contract -----------------------------------------------------------------------------
    def test_anonymous_is_sent_to_login_or_401(self, world):
        owner, _b, _c = world
        record = self.make_record(owner, self._clamp(Distribution.NETWORK))
        from django.test import Client
        from rest_framework.test import APIClient

        for url in filter(None, [self.detail_url(record), self.list_url, self.export_url, self.search_url(record)]):
            r = Client().get(url)
            assert r.status_code == 302 and "/cuenta/entrar/" in r["Location"], url
        for url in filter(None, [self.api_list_url, self.api_detail_url(record)]):
            r = APIClient().get(url)
            assert r.status_code == 401, url
            assert r.json()["error"]["status"] == 401

    def test_other_country_gets_404_and_sees_nothing(self, world):
        owner, reader_b, reader_c = world
        record = self.make_record(owner, Distribution.COUNTRY)
        for user in (reader_b, reader_c):
            seen = self._sees(user, record)
            assert not any(seen.values()), seen
        assert all(self._sees(owner, record).values())

    def test_shared_with_network_is_visible(self, world):
        owner, reader_b, reader_c = world
        record = self.make_record(owner, Distribution.COUNTRY)
        if self._stays_in_country():
            return self._assert_widening_refused(owner, record, reader_b)
        record = self.share_with_network(owner, record)
        for user in (reader_b, reader_c):
            seen = self._sees(user, record)
            assert all(seen.values()), seen

    def test_group_sharing_reaches_only_the_group(self, world):
        owner, reader_b, reader_c = world
        record = self.make_record(owner, Distribution.COUNTRY)
        if self._stays_in_country():
            return self._assert_widening_refused(owner, record, reader_b)
        record = self.share_with_group(owner, record, [B])
        assert all(self._sees(reader_b, record).values())
        assert not any(self._sees(reader_c, record).values())

    def test_unshared_is_gone_on_the_next_request(self, world):
        owner, reader_b, _c = world
        record = self.make_record(owner, Distribution.COUNTRY)
        if self._stays_in_country():
            return self._assert_widening_refused(owner, record, reader_b)
        record = self.share_with_network(owner, record)
        client = f.verified_client(reader_b)
        if self.detail_url(record):
            assert client.get(self.detail_url(record)).status_code == 200
        self.unshare(owner, record)
        if self.detail_url(record):
            assert client.get(self.detail_url(record)).status_code == 404
        seen = self._sees(reader_b, record)
        assert not any(seen.values()), seen

    # --- the contract: writes and decisions ----------------------------------------------------------
    def test_records_are_of_the_declared_model(self, world):
        """``model`` is what ``make_record`` builds (so the conventions test's coverage is real)."""
        owner, _b, _c = world
        if self.model is None:
            pytest.skip("no model declared")
        assert isinstance(self.make_record(owner, Distribution.COUNTRY), self.model)

    def _declares(self, hook: str) -> bool:
        return getattr(type(self), hook) is not getattr(ProtectedModelContract, hook)

    def test_others_cannot_edit_through_pages(self, world):
        if not self._declares("edit_url"):
            pytest.skip("no edit page")
        owner = world[0]
        record = self.shared_record(owner)
        url = self.edit_url(record)
        if not url:
            pytest.skip("no edit page")
        before = self.snapshot(record)
        data = self.edit_data(record) or {}
        for label, user in self.outsiders(world):
            client = f.verified_client(user)
            assert client.get(url).status_code == 404, (label, "GET", url)
            assert client.post(url, data).status_code == 404, (label, "POST", url)
            assert self.snapshot(record) == before, (label, "changed the record through", url)
        client = f.verified_client(owner)
        assert client.get(url).status_code == 200, ("owner", "GET", url)
        if self.edit_data(record) is not None:
            r = client.post(url, self.edit_data(self.fresh(record)))
            assert r.status_code in (301, 302, 303), ("owner", "POST", url, r.status_code)
            assert self.snapshot(record) != before, ("owner's POST changed nothing", url)

    def test_others_cannot_edit_through_the_api(self, world):
        if not self._declares("api_edit_url"):
            pytest.skip("no API edit")
        owner = world[0]
        record = self.shared_record(owner)
        url = self.api_edit_url(record)
        if not url:
            pytest.skip("no API edit")
        before = self.snapshot(record)
        for label, user in self.outsiders(world):
            api = f.token_client(user)
            for method in self.api_methods:
                if method == "PATCH":
                    r = api.patch(url, self.api_edit_data(record), format="json")
                else:
                    r = api.delete(url)
                assert r.status_code == 404, (label, method, url, r.status_code)
                assert r.json()["error"]["status"] == 404
                assert self.snapshot(record) == before, (label, method, "changed the record")
        api = f.token_client(owner)
        if "PATCH" in self.api_methods:
            r = api.patch(url, self.api_edit_data(self.fresh(record)), format="json")
            assert r.status_code == 200, ("owner", "PATCH", url, r.status_code, r.content[:300])
            if self.api_edit_data(record):
                assert self.snapshot(record) != before, ("owner's PATCH changed nothing", url)
        if "DELETE" in self.api_methods:
            r = api.delete(url)
            assert 200 <= r.status_code < 300, ("owner", "DELETE", url, r.status_code, r.content[:300])

    def test_others_cannot_take_decisions(self, world):
        if not self._declares("decisions"):
            pytest.skip("no decisions")
        owner = world[0]
        probe = self.make_record(owner, Distribution.COUNTRY)
        if not self.decisions(probe):
            pytest.skip("no decisions")
        people = self.outsiders(world)
        for entry in self.decisions(probe):
            name, act = entry[0], entry[1]
            decider = owner
            if len(entry) > 2:
                decider = entry[2](owner) if entry[2] is not None else None
            record = self.shared_record(owner)  # a fresh record per decision: each one changes state
            before = self.snapshot(record)
            for label, user in people:
                try:
                    act(user, self.fresh(record))
                except (Http404, PermissionDenied):
                    pass
                else:
                    raise AssertionError(f"{label} took the decision {name!r} (expected Http404/PermissionDenied)")
                assert self.snapshot(record) == before, (label, name, "changed the record")
            if decider is not None:
                act(decider, self.fresh(record))  # the one entitled succeeds

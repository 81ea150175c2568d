"""Generic cross-country tests that every protected model's tests inherit (NetBox-style).

Subclass ``ProtectedModelContract`` in an app's tests and fill in the hooks. The inherited tests
prove, through HTTP and the API as a user would meet them:

* anonymous → redirected to login (pages) / 401 (API);
* another country → 404 on detail, absent from list, count, search and export;
* shared with that country → visible;
* unshared (revoked) → gone on the very next request.

Countries: A = Guatemala (owner), B = Honduras (reader), C = Panamá (never shared with).
"""

from __future__ import annotations

import io

import pytest
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
        record = self.make_record(owner, Distribution.NETWORK)
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
        record = self.share_with_network(owner, record)
        for user in (reader_b, reader_c):
            seen = self._sees(user, record)
            assert all(seen.values()), seen

    def test_group_sharing_reaches_only_the_group(self, world):
        owner, reader_b, reader_c = world
        record = self.make_record(owner, Distribution.COUNTRY)
        record = self.share_with_group(owner, record, [B])
        assert all(self._sees(reader_b, record).values())
        assert not any(self._sees(reader_c, record).values())

    def test_unshared_is_gone_on_the_next_request(self, world):
        owner, reader_b, _c = world
        record = self.make_record(owner, Distribution.COUNTRY)
        record = self.share_with_network(owner, record)
        client = f.verified_client(reader_b)
        if self.detail_url(record):
            assert client.get(self.detail_url(record)).status_code == 200
        self.unshare(owner, record)
        if self.detail_url(record):
            assert client.get(self.detail_url(record)).status_code == 404
        seen = self._sees(reader_b, record)
        assert not any(seen.values()), seen

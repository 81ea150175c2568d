"""What the matching app's release flow needs from the register: the snapshot of an entry on approval."""

from __future__ import annotations

from .models import DocumentReport


def report_release_content(record_id: str) -> dict:
    """The fields of a register entry the owner discloses when it approves a release (field codes)."""
    pk = int(record_id.rsplit(".", 1)[1])
    report = DocumentReport.objects.unrestricted(reason="documents: snapshot released on the owner's approval").get(pk=pk)
    return {"doc_type": report.get_doc_type_display(), "doc_number": report.number,
            "issuing_country": report.issuing_country, "status": report.get_status_display(),
            "reported_on": report.reported_on.isoformat()}

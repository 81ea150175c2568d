"""Every change to the secure exchange: atomic, audited, and the only place that writes its rows.

Split along the exchange's three domains; import from here (``from enlace.exchange.actions import
do_…``):

* ``threads``: drafts, sending, delivery, acknowledgement, replies, closing, deadlines (threads,
  messages, receipts);
* ``forwarding``: forwarding with the originator's consent, and attachments;
* ``mla``: joint drafting of mutual legal assistance requests;
* ``common``: the exchange gate and helpers shared by the three (no writes).
"""

from .common import (HANDLING_FIELDS, audience_country_ids, can_exchange, child_sharing, recipients_to_notify,
                     require_exchange, thread_link)
from .forwarding import (MAX_ATTACHMENT_BYTES, do_add_attachment, do_approve_forward, do_decide_forward,
                         do_refuse_forward, do_request_forward, max_attachment_bytes)
from .mla import (can_draft_mla, clean_mla_content, do_create_mla_draft, do_save_mla_version,
                  do_set_mla_formal_status, mla_diff_html, mla_text)
from .threads import (chosen_contacts, clean_details, clean_thread_data, coordinators_of, do_acknowledge_thread,
                      do_close_thread, do_discard_draft, do_flag_overdue, do_mark_delivered, do_reply_thread,
                      do_save_draft, do_send_thread, own_receipt, thread_snapshot)

__all__ = [
    "HANDLING_FIELDS", "MAX_ATTACHMENT_BYTES", "audience_country_ids", "can_draft_mla", "can_exchange",
    "child_sharing", "chosen_contacts", "clean_details", "clean_mla_content", "clean_thread_data", "coordinators_of",
    "do_acknowledge_thread", "do_add_attachment", "do_approve_forward", "do_close_thread", "do_create_mla_draft",
    "do_decide_forward", "do_discard_draft", "do_flag_overdue", "do_mark_delivered", "do_refuse_forward",
    "do_reply_thread", "do_request_forward", "do_save_draft", "do_save_mla_version", "do_send_thread",
    "do_set_mla_formal_status", "max_attachment_bytes", "mla_diff_html", "mla_text", "own_receipt",
    "recipients_to_notify", "require_exchange", "thread_link", "thread_snapshot",
]

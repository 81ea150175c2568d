from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .actions import do_mark_notifications_read
from .models import Notification


def inbox(request):
    # A user's own notices only: the recipient filter *is* the policy for this model.
    qs = Notification.objects.filter(recipient=request.user)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page,
                                                        "unread": qs.filter(read_at__isnull=True).count()})


@require_POST
def mark_read(request):
    do_mark_notifications_read(request.user)
    return redirect("notifications:inbox")

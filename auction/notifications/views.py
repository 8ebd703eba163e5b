"""Pages for watching items, choosing emails, unsubscribing from a link, and the staff mailbox."""
import uuid

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from auction.notifications.captured import readable
from auction.notifications.forms import PreferencesForm
from auction.notifications.kinds import Kind
from auction.notifications.selectors import captured_mail_get, captured_mail_list, failed_notifications
from auction.notifications.services import notification_retry, preferences_update, unsubscribe, watch_toggle
from auction.notifications.tokens import BadToken, unsubscribe_claim

KIND_NAMES = {Kind.OUTBID: "outbid emails", Kind.ENDING_SOON: "ending-soon reminders"}


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if safe and target else fallback


@login_required
@require_POST
def watch(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    watching = watch_toggle(user=request.user, item_id=item_id)
    messages.success(request, "Added to your watchlist." if watching else "Removed from your watchlist.")
    return redirect(_back(request, reverse("bidding:item", kwargs={"item_id": item_id})))


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST)
    if form.is_valid():
        preferences_update(user_id=request.user.pk, **form.cleaned_data)
        messages.success(request, "Your email choices are saved.")
    return redirect("accounts:overview")


@csrf_exempt  # the signed token is the authority; mail clients' one-click unsubscribe POSTs carry no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners only ever GET); POST, from the page or a mail client, unsubscribes."""
    try:
        user_id, kind = unsubscribe(token=token) if request.method == "POST" else unsubscribe_claim(token)
    except BadToken:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    context = {"what": KIND_NAMES[kind], "done": request.method == "POST"}
    return render(request, "notifications/unsubscribe.html", context)


@staff_member_required
def mailbox(request: HttpRequest) -> HttpResponse:
    context = {"mails": captured_mail_list(), "failed": failed_notifications()}
    return render(request, "notifications/mailbox.html", context)


@staff_member_required
def mail(request: HttpRequest, mail_id: int) -> HttpResponse:
    captured = captured_mail_get(mail_id=mail_id)
    if captured is None:
        raise Http404("No such mail")
    return render(request, "notifications/mail.html", {"captured": captured, "mail": readable(captured.message)})


@staff_member_required
@require_POST
def mail_retry(request: HttpRequest, notification_id: int) -> HttpResponse:
    if notification_retry(notification_id=notification_id):
        messages.success(request, "The email is queued to be sent again.")
    return redirect("notifications:mailbox")

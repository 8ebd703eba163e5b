"""Account pages: signing up, the personal overview with its API tokens, and changing the password
(logging in and out are Django's views)."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from auction.accounts.forms import SignupForm, TokenForm
from auction.accounts.selectors import live_tokens
from auction.accounts.services import user_create
from auction.accounts.throttling import signup_attempt_check
from auction.accounts.tokens import IssuedToken, TokenLimitReached, token_issue, token_revoke
from auction.bidding.selectors import account_overview


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if safe else "/"


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:overview")
    if request.method == "POST":
        signup_attempt_check(address=request.META.get("REMOTE_ADDR"))
    form = SignupForm(request.POST) if request.method == "POST" else SignupForm()
    if form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="auction.accounts.backends.ThrottledModelBackend")
        return redirect(_next_url(request))
    status = 400 if form.is_bound else 200
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)}, status=status)


def _overview(
    request: HttpRequest, *, token_form: TokenForm | None = None, issued: IssuedToken | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "overview": account_overview(user_id=request.user.pk),
        "now": timezone.now(),
        "tokens": live_tokens(user=request.user),
        "token_form": token_form or TokenForm(),
        "token_limit": settings.AUCTION_API_TOKENS_PER_ACCOUNT,
        "token_days": settings.AUCTION_API_TOKEN_DAYS,
        "issued": issued,
    }
    return render(request, "accounts/overview.html", context, status=status)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """The new token's secret is on this answer only: it is rendered, never redirected to or stored."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _overview(request, token_form=form, status=400)
    try:
        issued = token_issue(user=request.user, name=form.cleaned_data["name"])
    except TokenLimitReached as refused:
        form.add_error(None, f"You already have {refused.count} live API tokens, the most an account may hold: revoke one below first.")
        return _overview(request, token_form=form, status=409)
    response = _overview(request, issued=issued)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token_revoke(user=request.user, token_id=token_id)
    except ValidationError:
        raise Http404 from None
    messages.success(request, "The token is revoked: requests sending it are refused from now on.")
    return redirect(reverse("accounts:overview") + "#tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:overview")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is changed. Your API tokens were revoked with the old password.")
        return response

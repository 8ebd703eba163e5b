"""Account pages: signing up and the personal overview (login and logout are Django's views)."""
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from auction.accounts.forms import SignupForm
from auction.accounts.services import user_create
from auction.accounts.throttling import signup_attempt_check
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


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    context = {"overview": account_overview(user_id=request.user.pk), "now": timezone.now()}
    return render(request, "accounts/overview.html", context)

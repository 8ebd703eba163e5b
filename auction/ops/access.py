"""Gates of the ops plane: staff only, with a 403 that suits a page or a JSON endpoint."""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse

from auction.staff.access import is_staff

LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1"})


def staff_page(view):
    """Anonymous visitors are sent to log in; signed-in people who are not staff get 403."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return gated


def staff_json(view):
    """Scripts get a plain 403 in JSON, never a login page."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not is_staff(request.user):
            return JsonResponse({"error": "Staff only."}, status=403)
        return view(request, *args, **kwargs)

    return gated


def staff_or_local(view):
    """For Prometheus on the same machine (no login), and for staff anywhere."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if request.META.get("REMOTE_ADDR") not in LOCAL_ADDRESSES and not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return gated

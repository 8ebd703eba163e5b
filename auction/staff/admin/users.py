"""People in the admin: Django's user admin, plus suspension (moderation) for every staff member."""
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from auction.accounts.models import Suspension
from auction.accounts.selectors import active_suspension, suspended_user_ids, suspensions_of
from auction.accounts.services import user_reinstate, user_suspend
from auction.staff.access import is_staff
from auction.staff.admin.access import ReadModelAdmin
from auction.staff.forms import ReasonForm

User = get_user_model()
MODERATION = {
    "suspend": (user_suspend, "suspended: their new bids and listings are refused."),
    "reinstate": (user_reinstate, "reinstated: they may bid and list again."),
}


class SuspendedFilter(admin.SimpleListFilter):
    title = "suspended"
    parameter_name = "suspended"

    def lookups(self, request, model_admin):
        return [("yes", "Suspended"), ("no", "In good standing")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=suspended_user_ids())
        if self.value() == "no":
            return queryset.exclude(pk__in=suspended_user_ids())
        return queryset


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Editing accounts keeps Django's permissions; seeing them and suspending people is for all staff."""

    list_display = (*UserAdmin.list_display, "suspended")
    list_filter = (*UserAdmin.list_filter, SuspendedFilter)
    change_form_template = "admin/staff/user/change_form.html"

    def has_module_permission(self, request) -> bool:
        return is_staff(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_staff(request.user)

    def get_queryset(self, request):
        active = Suspension.objects.filter(user=OuterRef("pk"), lifted_at__isnull=True)
        return super().get_queryset(request).annotate(is_suspended=Exists(active))

    @admin.display(boolean=True, ordering="is_suspended")
    def suspended(self, user) -> bool:
        return user.is_suspended

    def get_urls(self):
        moderate = self.admin_site.admin_view(self.moderate)
        return [path("<int:user_id>/moderate/<slug:action>/", moderate, name="auth_user_moderate"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if user is not None:
            context.update(
                active_suspension=active_suspension(user_id=user.pk),
                suspensions=suspensions_of(user_id=user.pk),
                moderation_form=ReasonForm(),
            )
        return super().change_view(request, object_id, form_url, context)

    def moderate(self, request: HttpRequest, user_id: int, action: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in MODERATION:
            raise Http404("No such action")
        service, done = MODERATION[action]
        person = get_object_or_404(User, pk=user_id)
        form = ReasonForm(request.POST)
        if not form.is_valid():
            refused = [error for error in form.errors.as_data().get("reason", []) if error.code != "required"]
            problem = " ".join(message for error in refused for message in error.messages)
            self.message_user(request, problem or "Say why, for the record.", messages.ERROR)
        else:
            try:
                service(user=person, staff=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"{person.get_username()}: {done}", messages.SUCCESS)
        return redirect(reverse("admin:auth_user_change", args=[person.pk]))


@admin.register(Suspension)
class SuspensionAdmin(ReadModelAdmin):
    """The moderation record; suspend and reinstate from a person's page."""

    list_display = ("user", "reason", "suspended_by", "suspended_at", "lifted_by", "lifted_at")
    list_filter = (("lifted_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "reason")

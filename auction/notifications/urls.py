from django.urls import path

from auction.notifications import views

app_name = "notifications"
urlpatterns = [
    path("items/<uuid:item_id>/watch/", views.watch, name="watch"),
    path("account/emails/", views.preferences, name="preferences"),
    path("emails/unsubscribe/<str:token>/", views.unsubscribe_link, name="unsubscribe"),
    path("ops/mail/", views.mailbox, name="mailbox"),
    path("ops/mail/<int:mail_id>/", views.mail, name="mail"),
    path("ops/mail/failed/<int:notification_id>/retry/", views.mail_retry, name="retry"),
]

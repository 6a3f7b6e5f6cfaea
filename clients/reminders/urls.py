from django.urls import path

from . import pages, therapist_pages, views

urlpatterns = [
    path("reminders/", pages.preferences, name="reminder-preferences"),
    path(
        "clients/<int:client_id>/reminders/", therapist_pages.client_plan, name="client-reminders"
    ),
    path("reminders/stop/<str:token>/", views.unsubscribe, name="reminder-unsubscribe"),
]

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("calendar/", views.page, name="calendar"),
    # The log filter (clinic.log_filters) hides the secret in this path: keep the two alike.
    re_path(r"^calendar/(?P<secret>[A-Za-z0-9_-]{32,128})\.ics$", views.feed, name="calendar-feed"),
]

from django.urls import include, re_path

from . import views

urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="api-login"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="api-logout"),
    re_path(r"^auth/logout-all/?$", views.LogoutAllView.as_view(), name="api-logout-all"),
    re_path(r"^me/?$", views.me, name="api-me"),
    re_path(r"^", include("clients.api.urls")),
    re_path(r"^", include("clients.measures.api.urls")),
    re_path(r"^", include("clients.emdr.api.urls")),
    re_path(r"^", include("clients.reminders.api.urls")),
]

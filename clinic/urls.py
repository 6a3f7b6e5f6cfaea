from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import accounts, two_factor_views, views

admin.site.site_header = "Clinic progress dashboard"
admin.site.site_title = "Clinic admin"

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("clients.urls")),
    path("", include("clients.safety.urls")),
    path("", include("clients.emdr.urls")),
    path("", include("clinic.calendar.urls")),
    path("", include("clients.reminders.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", accounts.ForgotPasswordView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        accounts.ChoosePasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/", two_factor_views.account, name="two-factor"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two-factor-setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("clinic.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

handler404 = "clinic.views.not_found"
handler500 = "clinic.views.server_error"

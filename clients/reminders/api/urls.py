from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.trailing_slash = "/?"  # apps that leave off the slash reach the same view
# The client's detail routes are in clients.api; this adds only .../reminders/ beside them.
router.register("clients", views.ClientPlanViewSet, basename="client-reminders")

urlpatterns = router.urls
urlpatterns += [
    re_path(
        r"^reminders/preferences/?$",
        views.PreferencesView.as_view(),
        name="api-reminder-preferences",
    ),
]

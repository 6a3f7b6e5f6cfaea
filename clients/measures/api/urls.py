from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import views
from .outcomes import OutcomesView

router = SimpleRouter()
router.trailing_slash = "/?"
router.register("instruments", views.InstrumentViewSet, basename="instrument")
router.register("measure-schedules", views.ScheduleViewSet, basename="measure-schedule")
router.register("measures/due", views.DueViewSet, basename="measure-due")
router.register("measure-responses", views.ResponseViewSet, basename="measure-response")
# The client's detail routes are in clients.api; this adds only .../fhir/ beside them.
router.register("clients", views.FhirViewSet, basename="client-measures")

urlpatterns = router.urls
urlpatterns += [re_path(r"^outcomes/?$", OutcomesView.as_view(), name="outcomes-api")]

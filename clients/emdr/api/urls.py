from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.trailing_slash = "/?"  # apps that leave off the slash reach the same view
router.register("emdr/targets", views.TargetViewSet, basename="emdr-api-target")
router.register("emdr/records", views.RecordViewSet, basename="emdr-api-record")
router.register("emdr/tices", views.TicesViewSet, basename="emdr-api-tices")

urlpatterns = router.urls

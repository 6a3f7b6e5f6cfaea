from rest_framework.routers import SimpleRouter

from . import views

# Apps that leave off the trailing slash reach the same view (no redirect that
# would turn a POST into a GET).
router = SimpleRouter()
router.trailing_slash = "/?"  # the constructor takes only True or False
router.register("emotions", views.EmotionLabelViewSet, basename="emotion")
router.register("check-ins", views.CheckInViewSet, basename="check-in")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("clients", views.ClientViewSet, basename="client")
router.register("exercises", views.ExerciseViewSet, basename="exercise")
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = router.urls

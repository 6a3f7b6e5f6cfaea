from django.urls import path

from . import client_views, measure_views, outcomes_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/new/", views.client_new, name="client-new"),
    path("summaries/", views.summaries_week, name="summaries"),
    path("outcomes/", outcomes_views.outcomes, name="outcomes"),
    path("outcomes.csv", outcomes_views.outcomes_csv, name="outcomes-csv"),
    path(
        "clients/<int:client_id>/summaries/", views.client_summaries, name="client-weekly-summaries"
    ),
    path("clients/<int:client_id>/", views.progress, name="client-progress"),
    path("clients/<int:client_id>/prep/", views.prep, name="client-prep"),
    path("clients/<int:client_id>/edit/", client_views.client_edit, name="client-edit"),
    path("clients/<int:client_id>/pause/", client_views.client_pause, name="client-pause"),
    path(
        "clients/<int:client_id>/discharge/",
        client_views.client_discharge,
        name="client-discharge",
    ),
    path(
        "clients/<int:client_id>/reactivate/",
        client_views.client_reactivate,
        name="client-reactivate",
    ),
    path(
        "clients/<int:client_id>/invitation/",
        views.invitation_resend,
        name="client-invitation-resend",
    ),
    path(
        "clients/<int:client_id>/assignments/", views.assignment_add, name="client-assignment-add"
    ),
    path(
        "clients/<int:client_id>/assignments/<int:assignment_id>/",
        views.assignment_status,
        name="client-assignment-status",
    ),
    path("clients/<int:client_id>/sessions/", views.session_add, name="client-session-add"),
    path(
        "clients/<int:client_id>/sessions/<int:session_id>/",
        views.session_status,
        name="client-session-status",
    ),
    path(
        "clients/<int:client_id>/measures/schedules/",
        measure_views.schedule_save,
        name="client-measure-schedule",
    ),
    path(
        "clients/<int:client_id>/measures/schedules/<int:schedule_id>/stop/",
        measure_views.schedule_stop,
        name="client-measure-schedule-stop",
    ),
    path(
        "clients/<int:client_id>/measures/enter/",
        measure_views.response_enter,
        name="client-measure-enter",
    ),
    path(
        "clients/<int:client_id>/measures/responses/<int:response_id>/",
        measure_views.response_detail,
        name="client-measure-response",
    ),
]

"""Placeholder: the therapist's measure pages (schedules, paper-form entry, a response's items)."""

from django.http import Http404


def schedule_save(request, client_id):
    raise Http404


def schedule_stop(request, client_id, schedule_id):
    raise Http404


def response_enter(request, client_id):
    raise Http404


def response_detail(request, client_id, response_id):
    raise Http404

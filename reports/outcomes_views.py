"""Placeholder: clinic outcomes by instrument."""

from django.http import Http404


def outcomes(request):
    raise Http404


def outcomes_csv(request):
    raise Http404

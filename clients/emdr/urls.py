"""The EMDR pages: the therapist's (targets, a session's processing) and the client's log."""

from . import client_pages, therapist_pages

urlpatterns = therapist_pages.urlpatterns + client_pages.urlpatterns

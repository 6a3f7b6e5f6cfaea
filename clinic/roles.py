"""Who may open the staff pages: decorators shared by every app's views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def therapist_required(view):
    """A signed-in therapist with a therapist record; anyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        user = request.user
        if user.role != "therapist" or not hasattr(user, "therapist"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper

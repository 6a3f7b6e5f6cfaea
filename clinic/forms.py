"""Helpers for the staff pages' forms."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal next to the fields it names (others above the form)."""
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)

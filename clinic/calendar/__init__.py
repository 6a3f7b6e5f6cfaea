"""Private calendar feeds: a client's or a therapist's sessions as an iCalendar URL."""

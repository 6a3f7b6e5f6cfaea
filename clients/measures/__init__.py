"""Validated outcome measures: instruments as data, schedules, responses, scores and change."""

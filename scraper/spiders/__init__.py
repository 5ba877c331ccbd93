"""Spiders of the justice.gov crawler."""

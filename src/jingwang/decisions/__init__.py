"""Decisions on domains: the smallest real piece the review capability will grow."""

"""Roadmap items, horizons, releases and reviews arrive with the roadmap capability."""

"""Goals, scorecards, ratings and stored scores arrive with the scoring capability."""

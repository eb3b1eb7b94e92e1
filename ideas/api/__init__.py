"""The REST API of ideas: lists, submission, votes, proxy votes, comments, statuses and
decisions, through the same selectors, access functions and services as the pages."""

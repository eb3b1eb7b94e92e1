#!/usr/bin/env python3
"""Create an idea, vote for it and read its score through the ideas portal's REST API.

    python3 docs/api-example.py BASE_URL TOKEN PRODUCT_SLUG

BASE_URL is the portal's address (e.g. https://ideas.example.com), TOKEN a personal API
token of a product manager of the product (Settings → API tokens; scores are for PMs),
PRODUCT_SLUG the product's short name as in /p/<slug>/. Only the standard library is used.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from typing import Any


def call(base: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310 - the operator gives the portal's URL
        f"{base.rstrip('/')}/api/v1/{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path}: {error.code} {error.read().decode(errors='replace')}")


def main(base: str, token: str, product: str) -> None:
    idea = call(
        base,
        token,
        "POST",
        f"products/{product}/ideas/",
        {
            "title": "Export the roadmap as a PDF",
            "problem": "We present the roadmap to our board every quarter and retype it by hand.",
            "importance": "critical",
        },
    )
    print(f"Created idea #{idea['id']}: {idea['title']} ({idea['web_url']})")

    # Submitting already counts the author's vote; voting again records how important it is.
    vote = call(
        base,
        token,
        "POST",
        f"products/{product}/ideas/{idea['id']}/vote/",
        {"importance": "critical"},
    )
    print(f"Voted: {vote['vote_count']} vote(s)")

    # Scores are computed in the background after a vote: wait a little for the first one.
    for _ in range(30):
        score = call(base, token, "GET", f"products/{product}/ideas/{idea['id']}/score/")
        if score["total"] is not None:
            break
        time.sleep(1)
    if score["total"] is None:
        print("Not scored yet: the background worker has not run.")
        return
    print(f"Score: {score['total']:.1f} of 100, rank {score['rank']} of {score['of']}")
    for part in score["components"]:
        print(f"  {part['name']}: raw {part['raw']}, contributes {part['contribution']}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])

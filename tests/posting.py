"""Posting a form as a browser does: with the hidden fields the page gave it."""

import re


def opened_revision(client, url: str) -> str:
    """The revision an edit form carries when ``client`` opens it at ``url``."""
    page = client.get(url).content.decode()
    return re.search(r'name="revision" value="(\d*)"', page).group(1)

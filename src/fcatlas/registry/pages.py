"""Pages that show every visitor the same figures are rendered once per version of the data they show.

A page's content (everything inside the site frame) is a function of the data it shows (the registry, the
reference data, the demand layer: the caller passes their ``versions``, read at each call, so nothing is ever
invalidated by hand), the query string, the language and the day (what is open today). It is rendered once for
each of them and kept in Django's cache; the frame around it (the menu, the signed-in user, the language switch
with its CSRF token) is rendered for every request. The content template is rendered with a request that holds
only the path and the query (``anonymous_copy``), so nothing of one visitor can be kept and shown to the next.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .queries import cache_key


def anonymous_copy(request) -> HttpRequest:
    """The request as anyone would send it: its path and query string, and nobody's session, user or cookies."""
    copy = HttpRequest()
    copy.method, copy.path, copy.path_info, copy.GET = "GET", request.path, request.path_info, request.GET.copy()
    return copy


def page_once_per_version(request, content_template: str, context: Callable[[], dict], *, versions: tuple,
                          title: str = "", vary_on: tuple = (), status_of: Callable[[dict], int] | None = None,
                          kept: Callable[[dict], bool] | None = None):
    """The page whose content is ``content_template`` rendered with ``context()``; ``context`` is called, and the
    template rendered, only when this path, query, language, day and ``vary_on`` (what the content shows of the
    visitor, such as whether they may edit) have no content for the data's ``versions``.
    ``status_of(context)`` gives the page's status code, kept with its content (200 if not given); content for
    which ``kept(context)`` is false (an answer from outside the data) is shown and not kept."""
    key = cache_key("page", content_template, request.path, sorted(request.GET.lists()), get_language(),
                    timezone.localdate(), vary_on, versions)
    found = cache.get(key)
    if found is None:
        values = context()
        found = (render_to_string(content_template, values, request=anonymous_copy(request)),
                 status_of(values) if status_of else 200)
        if kept is None or kept(values):
            cache.set(key, found, timeout=None)
    content, status = found
    return render(request, "atlas/page.html", {"content": mark_safe(content), "title": title}, status=status)

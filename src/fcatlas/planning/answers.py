"""Answers computed once per version of the data they come from, not once per request.

The versions are read at each call — the registry's (``registry.queries.registry_version``), the reference data's
(``reference.versions``) and the demand layer's (``inputs.demand_version``): two index lookups and a ``stat`` —
so every process sees an edit at once, and nothing is ever invalidated by hand. The cache is Django's (the
local-memory cache by default: one per worker process, no server to run). Values are pickled into it, so a caller
that changes an answer it got does not change the cached one.
"""

import functools
from collections.abc import Callable

from django.core.cache import cache

from fcatlas.reference.versions import reference_version
from fcatlas.registry.queries import cache_key, registry_version

from .inputs import demand_version

VERSIONS: dict[str, Callable[[], object]] = {"reference": reference_version, "registry": registry_version,
                                             "demand": demand_version}
ALL_DATA = tuple(VERSIONS)


def data_versions(depends_on: tuple[str, ...] = ALL_DATA) -> tuple:
    return tuple((name, VERSIONS[name]()) for name in depends_on)


def versioned(function):
    """Cache ``function``'s answer by its arguments and the versions of all the data (an exception is not kept)."""
    @functools.wraps(function)
    def answer(*args, **kwargs):
        key = cache_key(f"answer:{function.__qualname__}", args, sorted(kwargs.items()), data_versions())
        found = cache.get(key)
        if found is None:
            found = function(*args, **kwargs)
            cache.set(key, found, timeout=None)
        return found

    return answer

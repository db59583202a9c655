"""Requests no page can answer are refused here, before any view or database sees them; and the public pages'
language is chosen here."""

import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from fcatlas.formatting import format_number


def _refusal(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def refuse_oversized_bodies(get_response):
    """A request whose declared body exceeds ``MAX_REQUEST_BYTES`` gets a 413 before a byte of it is read, so no
    upload can fill the disk or the memory of a worker."""

    def middleware(request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                f"Det du skickade är för stort ({format_number(declared / 1024 / 1024, 1)} MB). Största tillåtna "
                f"storlek är {format_number(settings.MAX_REQUEST_BYTES / 1024 / 1024)} MB; dela upp filen.",
                status=413, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def permissions_policy(get_response):
    """Say which browser features the pages may use (``PERMISSIONS_POLICY``)."""

    def middleware(request):
        response = get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def refuse_nul_characters(get_response):
    """A NUL character in the path or a query parameter gets a 400 naming where it is: PostgreSQL cannot store or
    compare text holding one, and no link or form of ours makes one."""

    def middleware(request):
        if "\x00" in request.path:
            return _refusal(request, "Adressen innehåller ett otillåtet tecken (NUL). Ta bort det och försök igen.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                shown = name.replace("\x00", "␀")
                return _refusal(request, f"Parametern ”{shown}” innehåller ett otillåtet tecken (NUL). "
                                         "Ta bort det ur adressen och försök igen.")
        return get_response(request)

    return middleware


PUBLIC_PAGES = re.compile(r"^/(hitta/|om/|enheter/\d+/$|i18n/)")
"""The pages for families and everyone, translated into English and Arabic; every other page is Swedish."""


def public_pages_language(get_response):
    """The visitor's language (chosen with the switcher, else the browser's) on the public pages, Swedish on all
    others — so that a staff page never comes out half translated."""

    def middleware(request):
        public = bool(PUBLIC_PAGES.match(request.path_info))
        language = translation.get_language_from_request(request) if public else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE, request.public_page = translation.get_language(), public
        response = get_response(request)
        if public:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

    return middleware

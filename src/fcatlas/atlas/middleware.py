"""Requests no page can answer are refused here, before any view or database sees them."""

from django.http import HttpResponseBadRequest, JsonResponse


def _refusal(request, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


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

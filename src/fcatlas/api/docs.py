"""The API documentation page: both APIs' OpenAPI documents as one readable, accessible page (every endpoint with
its parameters and answers), in place of a script-driven explorer that screen readers cannot use."""

from functools import cache

from django.shortcuts import render

from .api import api
from .hsds import hsds_api


def _parameters(operation: dict, schema: dict) -> list[dict]:
    found = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            name = parameter["$ref"].rsplit("/", 1)[-1]
            parameter = schema.get("components", {}).get("parameters", {}).get(name, {"name": name})
        kind = parameter.get("schema", {})
        found.append({"name": parameter.get("name", ""), "where": parameter.get("in", "query"),
                      "required": parameter.get("required", False),
                      "type": kind.get("type") or ("enum" if "enum" in kind else (
                          ", ".join(option.get("type", "") for option in kind.get("anyOf", [])) or "")),
                      "description": parameter.get("description", kind.get("description", ""))})
    return found


def _sections(document: dict, prefix: str) -> list[dict]:
    groups: dict[str, list] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or method not in ("get", "post"):
                continue
            tag = (operation.get("tags") or ["övrigt"])[0]
            groups.setdefault(tag, []).append({
                "method": method.upper(), "path": path if path.startswith("/api/") else prefix + path,
                "summary": operation.get("summary", ""), "description": operation.get("description", ""),
                "parameters": _parameters(operation, document),
                "responses": [(code, answer.get("description", "")) for code, answer in operation["responses"].items()],
                "planners_only": bool(operation.get("security")),
            })
    return [{"name": name, "operations": operations} for name, operations in groups.items()]


@cache
def _documents() -> list[dict]:
    return [
        {"id": "fcatlas", "title": api.title, "description": api.description, "openapi_url": "/api/v1/openapi.json",
         "sections": _sections(api.get_openapi_schema(), "/api/v1")},
        {"id": "hsds", "title": hsds_api.title, "description": hsds_api.description,
         "openapi_url": "/api/hsds/openapi.json", "sections": _sections(hsds_api.get_openapi_schema(), "/api/hsds")},
    ]


def api_docs(request):
    return render(request, "api/docs.html", {"documents": _documents()})

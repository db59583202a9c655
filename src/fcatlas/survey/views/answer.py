"""The respondent's pages, opened by the personal link alone: an overview, one page per section, autosave,
submission and the receipt. Everything is evaluated on the server from the form's XForm."""

from __future__ import annotations

import uuid

from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import answering, engine, tokens
from ..models import ResponseStatus
from ..questionnaires import definition_of
from ..rendering import WORDS, form_language, page_fields, page_items

LANGUAGE_CHOICES = ("sv", "en")


class _Session:
    def __init__(self, request, token: str):
        self.token = token
        self.invitation = tokens.invitation_for(token)
        self.response = answering.open_response(self.invitation)
        self.definition = definition_of(self.response.version)
        key = f"survey-language-{self.invitation.pk}"
        chosen = request.GET.get("sprak")
        if chosen in LANGUAGE_CHOICES:
            request.session[key] = chosen
        self.language = request.session.get(key, "sv")
        self.form_language = form_language(self.definition, self.language)
        self.words = WORDS[self.language]

    def evaluation(self):
        return engine.evaluate(self.definition, self.response.answers, self.form_language)

    def context(self, **extra) -> dict:
        other = "en" if self.language == "sv" else "sv"
        return {"session": self, "wave": self.invitation.wave, "response": self.response, "words": self.words,
                "language": self.language, "other_language": other, "token": self.token,
                "title": self.definition.title, "target": self.invitation.target_name,
                "sections": self.definition.sections} | extra


def _open(view):
    def wrapped(request, token, *args, **kwargs):
        try:
            session = _Session(request, token)
        except tokens.LinkError as error:
            return render(request, "survey/link_error.html", {"message": str(error)}, status=404)
        return view(request, session, *args, **kwargs)
    wrapped.__name__ = view.__name__
    return wrapped


def _section_states(session: _Session, evaluation) -> list[dict]:
    states = []
    for number, section in enumerate(session.definition.sections, start=1):
        errors = evaluation.errors_under(section.path)
        states.append({"number": number, "label": section.label.plain(session.form_language,
                                                                      session.definition.default_language)
                       if section.label else section.name, "errors": len(errors)})
    return states


@_open
def overview(request, session: _Session):
    if session.response.status == ResponseStatus.SUBMITTED:
        return redirect("survey-receipt", token=session.token)
    evaluation = session.evaluation()
    return render(request, "survey/answer_overview.html", session.context(
        states=_section_states(session, evaluation), total_errors=len(evaluation.errors),
        not_complete=request.GET.get("ofullstandigt") == "1"))


def _posted_values(request, session: _Session) -> dict[str, str]:
    values = {}
    for path in request.POST.getlist("_fields"):
        node = session.definition.node(engine.schema_path(path))
        if node is None or node.kind != "field":
            continue
        if node.control == "select":
            values[path] = " ".join(request.POST.getlist(path))
        else:
            values[path] = request.POST.get(path, "")
    return values


def _base_revision(request) -> int:
    try:
        return int(request.POST.get("_revision", ""))
    except ValueError:
        return -1


@_open
def page(request, session: _Session, number: int):
    sections = session.definition.sections
    if not 1 <= number <= len(sections):
        return redirect("survey-answer", token=session.token)
    if session.response.status == ResponseStatus.SUBMITTED:
        return redirect("survey-receipt", token=session.token)
    section = sections[number - 1]
    kept_theirs, show_errors, problem = {}, False, ""
    if request.method == "POST":
        action = request.POST.get("_action", "save")
        add, remove = request.POST.get("_add"), request.POST.get("_remove")
        try:
            outcome = answering.save_answers(
                session.response, _posted_values(request, session), base_revision=_base_revision(request),
                save_id=request.POST.get("_save_id", ""), add_repeat=add, remove_repeat=remove)
        except answering.AnsweringError as error:
            problem = str(error)
        else:
            session.response.refresh_from_db()
            kept_theirs = outcome.kept_theirs
            evaluation = session.evaluation()
            section_errors = evaluation.errors_under(section.path)
            if not kept_theirs and not add and not remove:
                if action == "previous":
                    return redirect("survey-answer-page", token=session.token, number=max(1, number - 1))
                if action == "next" and not section_errors:
                    if number == len(sections):
                        return redirect("survey-answer", token=session.token)
                    return redirect("survey-answer-page", token=session.token, number=number + 1)
                if action == "overview":
                    return redirect("survey-answer", token=session.token)
            show_errors = action == "next"
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    evaluation = session.evaluation()
    items = page_items(session.definition, evaluation, section, session.form_language)
    if not show_errors:
        _errors_for_answered_only(items)
    errors = [item for item in _walk(items) if item.error and not item.hidden]
    by_path = {item.path: item for item in _walk(items)}
    kept = [{"element_id": by_path[path].element_id if path in by_path else "", "yours": yours, "kept": theirs,
             "label": by_path[path].label if path in by_path else path}
            for path, (yours, theirs) in kept_theirs.items()]
    return render(request, "survey/answer_page.html", session.context(
        number=number, total=len(sections), section=section, items=items, fields=page_fields(items),
        section_label=section.label.plain(session.form_language, session.definition.default_language)
        if section.label else section.name,
        errors=errors, errors_text=session.words["errors"].format(count=len(errors)), kept_theirs=kept,
        problem=problem, save_id=uuid.uuid4(),
        page_text=session.words["page"].format(number=number, total=len(sections))),
        status=400 if problem else 200)


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.children)


def _errors_for_answered_only(items) -> None:
    """Before a person asks to go on, only their answers' problems are shown, not every empty required one."""
    for item in _walk(items):
        if item.kind == "field" and not item.value:
            item.error = ""


@require_POST
@_open
def autosave(request, session: _Session):
    try:
        outcome = answering.save_answers(
            session.response, _posted_values(request, session), base_revision=_base_revision(request),
            save_id=request.POST.get("_save_id", ""))
    except answering.AnsweringError as error:
        return JsonResponse({"error": str(error)}, status=409, json_dumps_params={"ensure_ascii": False})
    session.response.refresh_from_db()
    evaluation = session.evaluation()
    paths = request.POST.getlist("_fields")
    return JsonResponse({
        "revision": outcome.revision,
        "saved": session.words["saved"].format(time=f"{timezone.localtime(session.response.saved_at):%H.%M.%S}"),
        "hidden": sorted({path for path in evaluation.relevant if not evaluation.applies(path)}),
        "errors": {path: evaluation.errors[path] for path in paths
                   if path in evaluation.errors and evaluation.value(path)},
        "answered": [path for path in paths if evaluation.value(path)],
        "kept_theirs": outcome.kept_theirs,
    }, json_dumps_params={"ensure_ascii": False})


@require_POST
@_open
def submit(request, session: _Session):
    try:
        answering.submit(session.response)
    except answering.NotComplete:
        return redirect(reverse("survey-answer", kwargs={"token": session.token}) + "?ofullstandigt=1")
    return redirect("survey-receipt", token=session.token)


@_open
def receipt(request, session: _Session):
    if session.response.status != ResponseStatus.SUBMITTED:
        return redirect("survey-answer", token=session.token)
    evaluation = session.evaluation()
    pages = [(section.label.plain(session.form_language, session.definition.default_language) if section.label
              else section.name, page_items(session.definition, evaluation, section, session.form_language))
             for section in session.definition.sections]
    return render(request, "survey/receipt.html", session.context(pages=pages))

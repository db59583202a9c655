"""The shape every table of a report has, whichever chapter builds it."""


def table(id_: str, title: str, columns: list[tuple[str, str, str]], rows: list[list], note: str) -> dict:
    """A table: ``columns`` are (key, heading, kind) with kind text, count, share, decimal or distance."""
    return {"id": id_, "title": title, "note": note,
            "columns": [{"key": key, "label": label, "kind": kind} for key, label, kind in columns],
            "rows": rows}

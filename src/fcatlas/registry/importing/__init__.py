"""Import registry units from the files people keep them in: CSV, XLSX and GeoJSON.

- ``values``: reading one cell as a field's value;
- ``rows``: which column means what, and each row checked into a unit record (``rules`` decide what is acceptable);
- ``planning``: ``plan_import`` (check everything, write nothing) and ``apply_import`` (write exactly that plan,
  all or nothing, each unit at the version the plan saw).

The importer reads back everything ``exporting`` writes, so an export re-imports to the same registry.
"""

from .planning import ImportPlan, ImportRefused, ImportResult, apply_import, conflicting_units, plan_import
from .rows import HEADER_INDEX, Message, RowPlan

__all__ = ["HEADER_INDEX", "ImportPlan", "ImportRefused", "ImportResult", "Message", "RowPlan", "apply_import",
           "conflicting_units", "plan_import"]

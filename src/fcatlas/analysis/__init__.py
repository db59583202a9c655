"""Pure geographic analysis for fcatlas: no Django imports, usable from a notebook.

Frames in, frames out. Stored coordinates are WGS 84 (EPSG:4326); every distance is computed in
SWEREF 99 TM (EPSG:3006) metres. Import the functions from their modules, e.g.
``from fcatlas.analysis.coverage import nearest_unit_distances``.
"""

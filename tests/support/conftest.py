import pytest


@pytest.fixture
def support_material(db):
    """The shipped rubric and starter library, loaded as `make run` loads them."""
    from fcatlas.support.loading import load_support

    return load_support()


@pytest.fixture
def type_one_area():
    """A RegSO in Malmö of SCB's area type 1, with a point inside it (WGS 84)."""
    from fcatlas.planning.inputs import current_layer

    areas = current_layer().areas
    area = areas[(areas["municipality_code"] == "1280") & (areas["area_type"] == 1)].iloc[0]
    point = areas[areas["small_area_code"] == area["small_area_code"]].to_crs("EPSG:4326").representative_point().iloc[0]
    return {"code": area["small_area_code"], "name": area["name"], "longitude": round(point.x, 6),
            "latitude": round(point.y, 6)}


@pytest.fixture
def type_five_area():
    from fcatlas.planning.inputs import current_layer

    areas = current_layer().areas
    area = areas[(areas["municipality_code"] == "1280") & (areas["area_type"] == 5)
                 & areas["police_2025"].isna()].iloc[0]
    return {"code": area["small_area_code"], "name": area["name"]}

import pytest
from rest_framework.test import APIClient

from zerovisit.org.models import Level

from .factories import AgencyFactory, RegionFactory


@pytest.mark.django_db
def test_regions_and_agencies_are_listed_and_filtered_by_subtree():
    city = RegionFactory()
    county = RegionFactory(code="320382000000", name="邳州市", level=Level.COUNTY, parent=city)
    AgencyFactory(name="邳州市行政审批局", region=county)
    AgencyFactory(name="徐州市行政审批局", region=city)
    api = APIClient()
    assert [r["code"] for r in api.get("/api/v1/regions/?parent=320300000000").json()["results"]] == [county.code]
    names = [a["name"] for a in api.get("/api/v1/agencies/?region=320382000000").json()["results"]]
    assert names == ["邳州市行政审批局"]
    assert api.get("/api/v1/agencies/?region=320300000000").json()["count"] == 2
    assert api.get("/api/v1/regions/320382000000/").json()["parent"] == city.code

"""The admin's date drill-down answers absurd years with its 'invalid lookup' redirect, never a 500 (Django computes year 10000 otherwise)."""
import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/emotions/emotionevent/?timestamp__year=9999&timestamp__month=12&timestamp__day=31",
    "/admin/emotions/emotionevent/?timestamp__year=9999",
    "/admin/emotions/emotionevent/?timestamp__year=1970",
    "/admin/emotions/visit/?started_at__year=9999&started_at__month=12",
    "/admin/cameras/exhibit/?on_show_from__year=9999",
]


@pytest.mark.parametrize("url", URLS)
def test_it_redirects_an_out_of_range_year_to_the_error_flag(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_it_still_drills_down_into_an_accepted_year(staff_client):
    assert staff_client.get("/admin/emotions/emotionevent/?timestamp__year=2026&timestamp__month=11").status_code == 200
    assert staff_client.get("/admin/cameras/exhibit/?on_show_from__year=2026").status_code == 200

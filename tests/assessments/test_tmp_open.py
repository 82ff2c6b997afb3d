import pytest
pytestmark = pytest.mark.django_db
def test_x(client, cast):
    client.force_login(cast["reviewer"])
    r = client.get("/assessments/new/")
    print(r.status_code, r.content.decode()[:300] if r.status_code != 200 else "")
    import re
    body = r.content.decode()
    print(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', body))

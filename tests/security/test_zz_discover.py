import pytest
pytestmark = pytest.mark.django_db

def test_build(world):
    for k, v in world["objects"].items():
        print(k, getattr(v, "pk", v))

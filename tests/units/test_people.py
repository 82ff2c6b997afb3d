"""People and branches of a unit; ID numbers validated, encrypted, masked."""

from django.urls import reverse

from masterstudio.units.models import Branch, Person
from tests.factories import id_number, make_person

PERSON = {
    "name": "张建国",
    "id_number": "11010519750308001X",
    "position": "车工",
    "formal_employee": "on",
    "frontline": "on",
    "frontline_since": "2003-07-01",
    "employed": "on",
    "phone": "13900139000",
}


def test_unit_registers_a_person_with_derived_birth_date_and_gender(client, cast):
    client.force_login(cast["unit_a"])
    response = client.post(reverse("units:person_create"), PERSON)
    assert response.status_code == 302
    person = Person.objects.get()
    assert (str(person.birth_date), person.gender) == ("1975-03-08", "male")
    assert person.masked_id_number == "110105********001X"
    html = client.get(reverse("units:people")).content.decode()
    assert "110105********001X" in html and "11010519750308001X" not in html


def test_wrong_check_digit_is_refused_at_the_field(client, cast):
    client.force_login(cast["unit_a"])
    response = client.post(reverse("units:person_create"), dict(PERSON, id_number="110105197503080011"))
    html = response.content.decode()
    assert "身份证号有误：校验码错误" in html and 'value="张建国"' in html
    assert not Person.objects.exists()


def test_woman_needs_original_retirement_age(client, cast):
    client.force_login(cast["unit_a"])
    response = client.post(reverse("units:person_create"), dict(PERSON, id_number=id_number("1980-05-01", male=False)))
    assert "原法定退休年龄" in response.content.decode()
    response = client.post(
        reverse("units:person_create"),
        dict(PERSON, id_number=id_number("1980-05-01", male=False), original_retirement_age="55"),
    )
    assert response.status_code == 302


def test_same_person_twice_in_one_unit_is_refused(client, cast):
    client.force_login(cast["unit_a"])
    client.post(reverse("units:person_create"), PERSON)
    response = client.post(reverse("units:person_create"), PERSON)
    assert "请勿重复登记" in response.content.decode()
    assert Person.objects.count() == 1


def test_id_number_is_encrypted_at_rest(cast, unit_a):
    make_person(unit_a, "李四", "1980-01-01")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select id_number from units_person")
        stored = cursor.fetchone()[0]
    assert "1980" not in stored


def test_unit_b_cannot_edit_unit_a_person(client, cast, unit_a):
    person = make_person(unit_a, "李四", "1980-01-01")
    client.force_login(cast["unit_b"])
    assert client.get(reverse("units:person_edit", args=[person.pk])).status_code == 404
    html = client.get(reverse("units:people")).content.decode()
    assert "李四" not in html


def test_leader_sees_people_but_cannot_edit(client, cast, unit_a):
    person = make_person(unit_a, "李四", "1980-01-01")
    client.force_login(cast["leader"])
    assert "李四" in client.get(reverse("units:people")).content.decode()
    assert client.get(reverse("units:person_edit", args=[person.pk])).status_code == 403


def test_branch_registration(client, cast):
    client.force_login(cast["unit_a"])
    response = client.post(reverse("units:branches"), {"name": "第二分厂", "credit_code": "", "address": "经海路"})
    assert response.status_code == 302
    response = client.post(reverse("units:branches"), {"name": "第二分厂", "credit_code": "", "address": "x"})
    assert "同名" in response.content.decode()
    assert Branch.objects.filter(unit=cast["unit_a"].unit).count() == 1


def test_branch_credit_code_checked(client, cast):
    client.force_login(cast["unit_a"])
    response = client.post(reverse("units:branches"), {"name": "三厂", "credit_code": "91350100M000100Y44"})
    assert "校验码错误" in response.content.decode()

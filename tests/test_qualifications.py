"""Certificates (资质证书) are added, edited and removed on the person's page, in scope."""

from rencai.audit.models import AuditEvent
from rencai.people.models import Qualification


def test_clerk_adds_social_work_certificate_to_own_villager(people, personas, login):
    client = login(personas.chengguan_clerk)
    response = client.post(
        f"/people/{people.zhang_san.pk}/qualifications/new/",
        {
            "kind": "social_work",
            "level": "社会工作师",
            "number": "SG2024001",
            "issuer": "人社部",
            "issued_on": "2024-06-01",
            "valid_until": "2027-06-01",
        },
    )
    assert response.status_code == 302
    q = Qualification.objects.get(person=people.zhang_san)
    assert q.level == "社会工作师"
    assert AuditEvent.objects.filter(action="create", object_id=str(q.pk)).exists()
    page = client.get(f"/people/{people.zhang_san.pk}/").content.decode()
    assert "SG2024001" in page


def test_certificate_level_must_fit_its_kind(people, personas, login):
    client = login(personas.chengguan_admin)
    response = client.post(
        f"/people/{people.zhang_san.pk}/qualifications/new/",
        {
            "kind": "farmer",
            "level": "社会工作师",
            "issued_on": "2024-06-01",
            "valid_until": "2023-01-01",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "初级、中级、高级" in body
    assert "有效期至不能早于发证日期" in body
    assert not Qualification.objects.exists()


def test_outsider_cannot_touch_chengguan_certificates(people, personas, login):
    q = Qualification.objects.create(person=people.zhang_san, kind="farmer", level="初级")
    client = login(personas.outsider_admin)
    assert client.get(f"/people/{people.zhang_san.pk}/qualifications/new/").status_code == 404
    assert client.get(f"/people/qualifications/{q.pk}/edit/").status_code == 404
    assert client.post(f"/people/qualifications/{q.pk}/delete/").status_code == 404
    assert Qualification.objects.filter(pk=q.pk).exists()


def test_leader_cannot_edit_certificates(people, personas, login):
    q = Qualification.objects.create(person=people.zhang_san, kind="farmer", level="初级")
    client = login(personas.chengguan_leader)
    assert client.post(f"/people/qualifications/{q.pk}/delete/").status_code == 403
    assert Qualification.objects.filter(pk=q.pk).exists()


def test_admin_deletes_certificate(people, personas, login):
    q = Qualification.objects.create(person=people.zhang_san, kind="farmer", level="初级")
    client = login(personas.chengguan_admin)
    assert client.post(f"/people/qualifications/{q.pk}/delete/").status_code == 302
    assert not Qualification.objects.filter(pk=q.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(q.pk)).exists()

import datetime

from django.contrib.auth.models import Permission

from audit.models import AuditEvent
from federations.models import Role
from membership.models import Enterprise
from tests.membership.factories import EnterpriseFactory, MemberFactory

D = datetime.date


def admin_staff(make_user, federation, *codenames):
    """A portal staff member at `federation` who may also use the admin for these models."""
    user = make_user(federation, Role.STAFF, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_admin_lists_are_scoped_and_mask_id_numbers(tree, make_user, login):
    # given enterprises and members in two streets, and a TPQ staff member using the admin
    tpq = EnterpriseFactory(jurisdiction=tree.tpq, name="太平桥丙公司")
    EnterpriseFactory(jurisdiction=tree.dgd, name="东高地丁公司")
    tpq_member = MemberFactory(enterprise=tpq, name="张伟")
    MemberFactory(enterprise=EnterpriseFactory(jurisdiction=tree.dgd), name="赵敏")
    user = admin_staff(make_user, tree.tpq, "view_enterprise", "view_member", "view_auditevent")
    client = login(user)
    # when they open the enterprise and member lists
    enterprises = client.get("/admin/membership/enterprise/").content.decode()
    members = client.get("/admin/membership/member/").content.decode()
    log = client.get("/admin/audit/auditevent/").content.decode()
    # then only TPQ's records show, and ID numbers only masked
    assert "太平桥丙公司" in enterprises
    assert "东高地丁公司" not in enterprises
    assert "张伟" in members
    assert "赵敏" not in members
    assert tpq_member.masked_id_number in members
    assert tpq_member.id_number not in members
    assert "太平桥丙公司" in log
    assert "东高地丁公司" not in log
    # and a DGD record is a 404 even by its URL
    dgd = Enterprise.objects.get(name="东高地丁公司")
    assert client.get(f"/admin/membership/enterprise/{dgd.pk}/change/").status_code in (302, 404)


def test_admin_writes_go_through_the_services(tree, make_user, login):
    # given TPQ staff allowed to add and change enterprises in the admin
    user = admin_staff(
        make_user, tree.tpq, "add_enterprise", "change_enterprise", "view_enterprise"
    )
    client = login(user)
    data = {
        "name": "后台新增公司",
        "credit_code": "91350100M000100Y43",
        "jurisdiction": tree.tpq.pk,
        "economic_type": "private",
        "industry": "C",
        "employees": "25",
        "address": "",
        "contact": "",
        "phone": "",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    # when they add an enterprise, and then try to place one under the district itself
    response = client.post("/admin/membership/enterprise/add/", data)
    assert response.status_code == 302
    refused = client.post(
        "/admin/membership/enterprise/add/",
        {**data, "credit_code": "91110106000000001X", "jurisdiction": tree.district.pk},
    )
    # then the first is stored and audited with the user as actor; the second is refused
    enterprise = Enterprise.objects.get(name="后台新增公司")
    assert AuditEvent.objects.for_object(enterprise).get().actor == user
    assert refused.status_code == 200
    assert Enterprise.objects.count() == 1
    # and a change goes through enterprise_update (audited with the change)
    response = client.post(
        f"/admin/membership/enterprise/{enterprise.pk}/change/", {**data, "employees": "30"}
    )
    assert response.status_code == 302
    update = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert update.changes == {"employees": [25, 30]}


def test_admin_lists_lead_to_the_portal_import(tree, make_user, login):
    user = admin_staff(make_user, tree.tpq, "view_enterprise", "view_member")
    client = login(user)
    enterprises = client.get("/admin/membership/enterprise/").content.decode()
    members = client.get("/admin/membership/member/").content.decode()
    assert 'href="/imports/enterprises/">从 Excel 导入' in enterprises
    assert 'href="/imports/members/">从 Excel 导入' in members
    # and the import page takes the same user, in the same scope
    assert client.get("/imports/members/").status_code == 200

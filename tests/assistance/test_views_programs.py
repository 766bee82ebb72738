"""Programme rules and budgets (the district office), group deliveries and mutual-aid claims."""

import datetime
from decimal import Decimal

import pytest

from assistance import services
from assistance.models import AidBudget, AidProgram, GroupDelivery, MutualAidClaim

D = datetime.date


def test_the_office_edits_a_programmes_rules_and_others_cannot(people, client):
    program = AidProgram.objects.get(code="winter_warmth")
    url = "/assistance/programs/winter_warmth/edit/"
    data = {
        "name": "两节送温暖",
        "grants_per_year": "2",
        "max_amount": "1500",
        "requires_active_file": "on",
        "is_active": "on",
    }
    for user in (people.tpq_staff, people.district_chair):
        client.force_login(user)
        assert client.get("/assistance/programs/").status_code == 200
        assert client.post(url, data).status_code == 404
    client.force_login(people.office)
    page = client.get("/assistance/programs/").content.decode()
    assert "两节送温暖" in page
    assert "修改规则" in page
    assert client.post(url, data).status_code == 302
    program.refresh_from_db()
    assert (program.grants_per_year, program.max_amount, program.requires_active_file) == (
        2,
        Decimal("1500.00"),
        True,
    )


def test_the_office_sets_a_budget_in_its_scope(tree, people, client):
    client.force_login(people.office)
    program = AidProgram.objects.get(code="study_aid")
    response = client.post(
        "/assistance/budgets/new/",
        {"federation": tree.tpq.pk, "program": program.pk, "year": "2025", "amount": "50000"},
    )
    assert response.status_code == 302
    budget = AidBudget.objects.get()
    assert (budget.federation, budget.amount, budget.set_by) == (
        tree.tpq,
        Decimal("50000.00"),
        people.office,
    )
    assert "50000.00" in client.get("/assistance/programs/?year=2025").content.decode()
    client.force_login(people.tpq_staff)
    assert client.get("/assistance/budgets/new/").status_code == 404


def test_staff_record_a_group_delivery_by_credit_codes(
    tree, people, client, tpq_enterprise, dgd_enterprise
):
    client.force_login(people.tpq_staff)
    data = {
        "federation": tree.tpq.pk,
        "kind": "summer_cooling",
        "delivered_on": "2025-07-10",
        "enterprise_codes": f"{tpq_enterprise.credit_code.lower()}\n{dgd_enterprise.credit_code}",
        "workers_reached": "35",
        "goods_value": "1000",
    }
    response = client.post("/assistance/deliveries/new/", data)
    assert "找不到这些单位" in response.content.decode()
    assert dgd_enterprise.credit_code in response.content.decode()
    data["enterprise_codes"] = tpq_enterprise.credit_code
    assert client.post("/assistance/deliveries/new/", data).status_code == 302
    delivery = GroupDelivery.objects.get()
    assert list(delivery.enterprises.all()) == [tpq_enterprise]
    assert "太平桥甲公司" in client.get("/assistance/deliveries/").content.decode()
    client.force_login(people.dgd_staff)
    assert "太平桥甲公司" not in client.get("/assistance/deliveries/").content.decode()


def test_claims_are_received_and_settled_in_scope(people, client, tpq_member):
    client.force_login(people.tpq_staff)
    response = client.post(
        "/assistance/claims/new/",
        {
            "id_number": tpq_member.id_number,
            "kind": "women_illness",
            "incident_on": "2025-03-01",
            "amount_claimed": "5000",
        },
    )
    assert response.status_code == 302
    claim = MutualAidClaim.objects.get()
    page = client.get("/assistance/claims/").content.decode()
    assert tpq_member.masked_id_number in page
    assert tpq_member.id_number not in page
    # a sibling street's staff cannot settle it
    client.force_login(people.dgd_staff)
    assert client.get(f"/assistance/claims/{claim.pk}/settle/").status_code == 404
    assert "张困难" not in client.get("/assistance/claims/").content.decode()
    client.force_login(people.tpq_staff)
    response = client.post(
        f"/assistance/claims/{claim.pk}/settle/",
        {"paid": "1", "amount_paid": "6000", "paid_on": "2025-04-01"},
    )
    assert "超过申请金额" in response.content.decode()
    response = client.post(
        f"/assistance/claims/{claim.pk}/settle/",
        {"paid": "1", "amount_paid": "4000", "paid_on": "2025-04-01"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.amount_paid) == (MutualAidClaim.Status.PAID, Decimal("4000.00"))


@pytest.mark.parametrize(
    "url", ["/assistance/deliveries/", "/assistance/claims/", "/assistance/claims/new/"]
)
def test_the_office_sees_no_deliveries_or_claims(people, client, url):
    client.force_login(people.office)
    assert client.get(url).status_code == 404


def test_a_model_worker_title_is_added_from_the_file_page(people, client, tpq_member):
    from tests.assistance.factories import open_file

    hardship_file = open_file(tpq_member)
    client.force_login(people.tpq_staff)
    response = client.post(
        f"/assistance/files/{hardship_file.pk}/model-worker/",
        {"title": "北京市劳动模范", "level": "city", "year": "2018"},
    )
    assert response.status_code == 302
    assert "北京市劳动模范" in client.get(hardship_file.get_absolute_url()).content.decode()
    assert services.grant_facts(
        program=AidProgram.objects.get(code="model_worker"),
        recipient=tpq_member,
        federation=hardship_file.federation,
        granted_on=D(2025, 4, 28),
    ).is_model_worker

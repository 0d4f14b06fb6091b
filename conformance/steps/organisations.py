"""Organisation staff: usage requests the bureau decides, periodic reports, suspension and
deletion of an ID (FAQ Q1-3, Q3, Q9, Q10-3, Q10-4)."""
from __future__ import annotations

from pytest_bdd import given, parsers, step, then, when

from conformance.steps.world import World, expect_ok

ORG = r"(?P<word>所属機関|公益法人|登録支援機関)「(?P<org>[^」]+)」の職員「(?P<who>[^」]+)」"
REQUEST_STATUS = {"承認": "approved", "不承認": "refused", "未決定": "pending"}
ACCOUNT_ACTIONS = {"抹消": "delete", "利用停止": "suspend", "利用再開": "resume"}


@step(parsers.re(ORG + r"が利用申出を行っている"))
def usage_request_filed(world: World, word: str, org: str, who: str) -> None:
    world.file_usage_request(who, org, word)


@given(parsers.re(ORG + r"の利用申出が承認され、パスワードが設定されている"))
def staff_ready(world: World, word: str, org: str, who: str) -> None:
    world.approved_staff(who, org, word)


@step(parsers.parse("地方局が「{who}」の利用申出を承認する"))
def approve_request(world: World, who: str) -> None:
    expect_ok(world.decide_usage_request(world.person(who), True), "decideUsageRequest")


@step(parsers.parse("地方局が「{who}」の利用申出を承認しない"))
def refuse_request(world: World, who: str) -> None:
    expect_ok(world.decide_usage_request(world.person(who), False), "decideUsageRequest")


@step(parsers.parse("「{who}」が承認メールのURLから初期パスワードを設定する"))
def set_password_from_approval(world: World, who: str) -> None:
    world.set_password_from_mail(world.person(who), "usage_request_approved")


@then(parsers.parse("「{who}」の利用申出は「{status}」として記録されている"))
def request_status(world: World, who: str, status: str) -> None:
    p = world.person(who)
    requests_ = expect_ok(world.client.usage_requests(), "listUsageRequests")["usage_requests"]
    mine = [r for r in requests_ if r["id"] == p.request_id]
    assert mine, f"usage request {p.request_id} not listed"
    assert mine[0]["status"] == REQUEST_STATUS[status], mine[0]
    world.scratch["usage_request"] = mine[0]


@then(parsers.parse("「{who}」には認証IDが発行されていない"))
def no_auth_id(world: World, who: str) -> None:
    p = world.person(who)
    requests_ = expect_ok(world.client.usage_requests(), "listUsageRequests")["usage_requests"]
    mine = [r for r in requests_ if r["id"] == p.request_id]
    assert mine and mine[0]["auth_id"] is None, mine


@then(parsers.parse("「{who}」には認証IDが発行されている"))
def auth_id_given(world: World, who: str) -> None:
    p = world.person(who)
    assert p.auth_id, "no 認証ID"
    data = world.account(p)
    assert data["auth_id"] == p.auth_id and data["name"] == p.name, data


@then(parsers.parse("「{a}」と「{b}」の認証IDは異なる"))
def ids_differ(world: World, a: str, b: str) -> None:
    pa, pb = world.person(a), world.person(b)
    assert pa.auth_id and pb.auth_id and pa.auth_id != pb.auth_id, (pa.auth_id, pb.auth_id)


@then(parsers.parse("「{who}」の利用者区分は「{label}」である"))
def category_is(world: World, who: str, label: str) -> None:
    p = world.person(who)
    data = expect_ok(world.client.me(world.logged_in(p)), "getUserInformation")
    assert data.get("category_label") == label, data


# -- periodic reports (Q9) -------------------------------------------------------------------------------------

@step(parsers.parse("「{org}」の定期報告が提出される"))
def report_filed(world: World, org: str) -> None:
    data = expect_ok(world.record(world.client.file_periodic_report(world.organisations[org])), "filePeriodicReport")
    world.reports[org] = data["id"]


@then(parsers.re(r"その定期報告は(?P<when>期限内|期限後)の提出として記録されている"))
def report_timeliness(world: World, when: str) -> None:
    data = expect_ok(world.last_reply(), "filePeriodicReport")
    assert data.get("late") is (when == "期限後"), f"expected {when}: {data}"


@when(parsers.parse("「{org}」の定期報告を提出しようとする"))
def report_attempt(world: World, org: str) -> None:
    world.record(world.client.file_periodic_report(world.organisations[org]))


@step(parsers.parse("地方局が「{org}」の定期報告を承認する"))
def report_approved(world: World, org: str) -> None:
    expect_ok(world.record(world.client.decide_periodic_report(world.reports[org], True)), "decidePeriodicReport")


@step(parsers.parse("地方局が「{org}」の定期報告を承認しない"))
def report_refused(world: World, org: str) -> None:
    expect_ok(world.record(world.client.decide_periodic_report(world.reports[org], False)), "decidePeriodicReport")


@when(parsers.parse("地方局が「{org}」への追加利用申出として職員「{who}」の利用申出を受け付けようとする"))
def additional_request(world: World, org: str, who: str) -> None:
    world.record(world.client.file_usage_request(organisation_id=world.organisations[org], name=f"職員{who}",
                                                 email=world.unique_email(), birth_date="1980-01-02"))


# -- account states (Q10-3, Q10-4, Q12-1 item 16) ------------------------------------------------------------------

@step(parsers.parse("地方局が窓口で「{who}」の認証ID・パスワードを再通知してロックを解除する"))
def bureau_unlocks(world: World, who: str) -> None:
    p = world.person(who)
    expect_ok(world.record(world.client.set_account_state(p.auth_id or "", "unlock")), "setAccountState unlock")


@step(parsers.re(r"地方局が「(?P<who>[^」]+)」の認証IDを(?P<action>抹消|利用停止|利用再開)する"))
def account_state(world: World, who: str, action: str) -> None:
    p = world.person(who)
    expect_ok(world.record(world.client.set_account_state(p.auth_id or "", ACCOUNT_ACTIONS[action])),
              "setAccountState")

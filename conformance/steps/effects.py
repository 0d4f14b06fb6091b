"""Refusals the seeds give no code for: the step names what must not have happened (nothing stored,
no account, no mail) instead of accepting "some error" — another implementation may refuse with its
own code, but it must refuse and leave no trace."""
from __future__ import annotations

from pytest_bdd import parsers, then

from conformance.steps.common import is_refusal, no_mail
from conformance.steps.sessions import cannot_log_in
from conformance.steps.user_info import name_unchanged
from conformance.steps.world import World, expect_ok


def _refused(world: World) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status), f"expected a refusal, got {reply.describe()}"


@then(parsers.parse("拒否され、「{who}」の利用者情報は登録されない"))
def refused_nothing_registered(world: World, who: str) -> None:
    _refused(world)
    no_mail(world, who, "利用者情報登録受付")


@then(parsers.parse("項目「{field}」について拒否され、「{who}」の利用者情報は登録されない"))
def refused_on_field_nothing_registered(world: World, field: str, who: str) -> None:
    reply = world.last_reply()
    assert is_refusal(reply.status), f"expected a refusal, got {reply.describe()}"
    fields = [e.get("field") for e in reply.errors]
    assert field in fields, f"expected a refusal about {field}, got {fields}: {reply.describe()}"
    no_mail(world, who, "利用者情報登録受付")


@then(parsers.parse("拒否され、「{who}」のパスワードは設定されない"))
def refused_no_password(world: World, who: str) -> None:
    _refused(world)
    cannot_log_in(world, who, "WZBAM150E")   # the account is still waiting for its initial password


@then(parsers.parse("拒否され、「{who}」への「{label}」のメールは{n:d}通のままである"))
def refused_mail_count_unchanged(world: World, who: str, label: str, n: int) -> None:
    _refused(world)
    from conformance.steps.common import _mails_to

    found = _mails_to(world, who, label)
    assert len(found) == n, f"expected {n} 「{label}」 mail(s), found {len(found)}"


@then(parsers.parse("拒否され、「{who}」の氏名は変わっていない"))
def refused_name_unchanged(world: World, who: str) -> None:
    _refused(world)
    name_unchanged(world, who)


@then(parsers.parse("拒否され、職員「{who}」の利用申出は記録されない"))
def refused_no_usage_request(world: World, who: str) -> None:
    _refused(world)
    requests = expect_ok(world.client.usage_requests(), "listUsageRequests")["usage_requests"]
    assert not [r for r in requests if r.get("name") == f"職員{who}"], requests


@then("セッションは終了しており、再度のログインが必要である")
def session_over(world: World) -> None:
    reply = world.last_reply()
    assert reply.status == 401, f"expected the session to be over (401), got {reply.describe()}"

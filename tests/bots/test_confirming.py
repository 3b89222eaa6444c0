"""One way to confirm: the pending step a button names, one guard against a tap while the first is at
work, and the request id core answers once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from p2pstock.bots.telegram.confirming import in_flight, new_token, pending, request_id


def context_with(state: dict[str, Any]) -> Any:
    return SimpleNamespace(user_state=state)


def test_a_button_names_the_pending_step_by_its_token_whether_typed_as_text_or_number() -> None:
    context = context_with({"withdrawal": {"token": 9012, "amount": 100}})
    assert pending(context, "withdrawal", "9012") == {"token": 9012, "amount": 100}
    assert pending(context, "withdrawal", 9012) is not None


def test_a_button_of_another_confirmation_or_of_nothing_pending_names_no_step() -> None:
    assert pending(context_with({"withdrawal": {"token": "a1"}}), "withdrawal", "b2") is None
    assert pending(context_with({}), "withdrawal", "a1") is None
    assert pending(context_with({"withdrawal": "a1"}), "withdrawal", "a1") is None


def test_a_step_still_being_typed_is_confirmed_by_no_button_even_one_forged_to_name_none() -> None:
    typing = context_with({"loan_step": {"kind": "invest", "loan": "L1"}})
    for forged in ("None", None, ""):
        assert pending(typing, "loan_step", forged) is None


def test_a_second_tap_while_the_first_is_at_work_is_turned_away_and_a_later_one_goes_through() -> None:
    with (
        in_flight(1001, "draft:a1") as first,
        in_flight(1001, "draft:a1") as second,
        in_flight(1002, "draft:a1") as other_user,
    ):
        assert (first, second, other_user) == (True, False, True)
    with in_flight(1001, "draft:a1") as later:
        assert later is True


def test_every_tap_of_one_confirmation_reaches_core_with_the_same_request_id() -> None:
    update = SimpleNamespace(effective_user=SimpleNamespace(id=1001))
    assert request_id(update, "invest", "a1") == request_id(update, "invest", "a1") == "tg-1001-invest-a1"  # type: ignore[arg-type]


def test_each_confirmation_gets_a_token_of_its_own() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(token) == 12 for token in tokens)

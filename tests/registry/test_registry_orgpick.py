"""Organisation filters: a dropdown up to a limit, else suggestions and a resolved name or id."""

from __future__ import annotations

import pytest
from registrykit import World

from accounts.accountkit import make_org
from jingwang.errors import InvalidInput
from jingwang.registry.orgpick import PICK_LIMIT, pick_options, resolve_org, suggest_orgs


def test_names_starting_with_the_text_come_first_and_wildcards_are_text(world: World) -> None:
    s = world.session
    alpha = make_org(s, "Alpha Net", "access_provider", "GD")
    beta = make_org(s, "Net Beta", "access_provider", "GD")
    make_org(s, "Net_Gamma", "access_provider", "GD")
    names = [name for _, name in suggest_orgs(s, world.centre, " net ")]
    assert names[:2] == ["Net Beta", "Net_Gamma"]
    assert "Alpha Net" in names
    assert [name for _, name in suggest_orgs(s, world.centre, "t_g")] == ["Net_Gamma"]
    assert suggest_orgs(s, world.centre, "") == []
    assert suggest_orgs(s, world.centre, "net", limit=1) == [(beta.id, "Net Beta")]
    assert (alpha.id, "Alpha Net") in suggest_orgs(s, world.centre, str(alpha.id))
    assert all(name != "Alpha Net" for _, name in suggest_orgs(s, world.reseller, "net"))


def test_a_typed_name_or_id_resolves_within_reach(world: World) -> None:
    s = world.session
    assert resolve_org(s, world.ap, "  ", "org").chosen is None
    picked = resolve_org(s, world.ap, "reseller one", "org")
    assert (picked.chosen, picked.text) == (world.reseller_id, "Reseller One")
    assert resolve_org(s, world.ap, str(world.reseller_id), "org").text == "Reseller One"
    with pytest.raises(InvalidInput, match="no organisation called 'Other Access'"):
        resolve_org(s, world.ap, "Other Access", "org")
    with pytest.raises(InvalidInput, match="not an organisation id"):
        resolve_org(s, world.ap, "0", "org")


def test_a_dropdown_up_to_the_limit(world: World) -> None:
    s = world.session
    options = pick_options(s, world.centre)
    assert options is not None
    assert (world.reseller_id, "Reseller One") in options
    for n in range(PICK_LIMIT - len(options) + 1):
        make_org(s, f"Bulk {n:03d}", "reseller", "GD")
    assert pick_options(s, world.centre) is None
    assert pick_options(s, world.reseller) is not None

"""The App Home tab by role: company contact, secretariat, everyone; "show more" paging within 100 blocks."""

from __future__ import annotations

from datetime import date

from bot.db.engine import SessionFactory
from bot.db.enums import CovenantKind, CovenantPhase
from bot.db.models import Covenant
from bot.render.blocks import MAX_VIEW_BLOCKS
from bot.render.home import home_view
from bot.services.covenants.dashboard import Dashboard, Page, SecretariatSection
from bot.services.people.access import Viewer
from bot.services.plans.plans import PlanSummary
from bot.slack_standin.blockkit import check_view
from tests.support.demo import person
from tests.support.factories import add_company_deadlines, add_overdue_companies
from tests.support.harness import SlackHarness, click

SANNE, PIETER, FATIMA = (person(k).slack_user_id for k in ("sanne", "pieter", "fatima"))


def _home(slack: SlackHarness, user: str) -> tuple[str, dict[str, object]]:
    slack.standin.reset()
    slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "DHOME00001"})
    call = slack.standin.wait_for("views.publish")[0]
    return str(call.args["view"]["blocks"]), call.args


def test_company_contact_sees_own_plan_deadlines_and_group_meetings(slack: SlackHarness) -> None:
    text, _ = _home(slack, PIETER)
    assert "Windkracht Energie BV (demo) in Convenant Hernieuwbare Energie (wind en zon)" in text
    assert "Plan 2026" in text and "beoordeling: op koers" in text
    assert "Volgende vergaderingen van jouw groepen" in text and "maandoverleg" in text
    assert "Plannen van aanpak te laat" not in text  # that is the secretariat's view


def test_secretariat_sees_per_covenant_overdue_plans_meetings_and_minutes(slack: SlackHarness) -> None:
    text, _ = _home(slack, SANNE)
    assert text.index("Convenant Hernieuwbare Energie (wind en zon)* — jij voert") < text.index(
        "Convenant Metaalsector* — jij voert"
    )
    assert "*Plannen van aanpak te laat* (1)" in text and "Noordzee Wind Services BV (demo)" in text
    assert "*Verslagen die op vaststelling wachten* (0)" in text
    assert "Beoordelingsgesprek voorbereiden" in text  # her own open deadline


def test_everyone_sees_their_covenants(slack: SlackHarness) -> None:
    text, _ = _home(slack, FATIMA)
    assert "Jouw convenanten" in text and "`metaal`" in text and "jij voert" not in text and ":lock:" not in text
    stranger, _ = _home(slack, "UNKNOWN001")
    assert "ask the secretariat" in stranger and "All covenants" in stranger


def test_show_more_pages_through_a_long_list_and_show_less_closes_it(
    slack: SlackHarness, session_factory: SessionFactory
) -> None:
    add_overdue_companies(session_factory, "hernieuwbare-energie", 64)
    text, _ = _home(slack, SANNE)
    assert "*Plannen van aanpak te laat* (65)" in text and "Toon alle 65" in text
    assert "Achterblijver 005" not in text  # only the first five (oldest due first) before "show more"
    click(slack, slack.standin.calls_to("views.publish")[0], "home_more", SANNE)
    opened = str(slack.standin.wait_for("views.publish", count=2)[1].args["view"]["blocks"])
    assert "— 1 t/m 30 van 65" in opened and "Achterblijver 035" in opened
    click(slack, slack.standin.calls_to("views.publish")[1], "home_next", SANNE)
    following = slack.standin.wait_for("views.publish", count=3)[2]
    assert "— 31 t/m 60 van 65" in str(following.args["view"]["blocks"])
    click(slack, following, "home_previous", SANNE)
    assert "— 1 t/m 30 van 65" in str(slack.standin.wait_for("views.publish", count=4)[3].args["view"]["blocks"])
    click(slack, following, "home_less", SANNE)
    closed = str(slack.standin.wait_for("views.publish", count=5)[4].args["view"]["blocks"])
    assert "Toon alle 65" in closed and " t/m " not in closed


def test_a_contact_pages_through_their_own_deadlines(slack: SlackHarness, session_factory: SessionFactory) -> None:
    add_company_deadlines(session_factory, "Windkracht", "hernieuwbare-energie", 8)
    text, _ = _home(slack, PIETER)
    assert "*Openstaande deadlines* (8)" in text and "Eigen deadline 07" not in text
    click(slack, slack.standin.calls_to("views.publish")[0], "home_more", PIETER)
    assert "Eigen deadline 07" in str(slack.standin.wait_for("views.publish", count=2)[1].args["view"]["blocks"])


def _section(slug: str, overdue: int) -> SecretariatSection:
    covenant = Covenant(
        id=hash(slug) % 10_000,
        slug=slug,
        name_nl=f"Convenant {slug}",
        name_en=slug,
        phase=CovenantPhase.IMPLEMENTING,
        kind=CovenantKind.COVENANT,
        timezone="Europe/Amsterdam",
    )
    return SecretariatSection(
        covenant=covenant,
        plans=PlanSummary(covenant_id=covenant.id, cycle_year=2026, total=100, submitted=40, overdue=overdue),
        overdue=Page([], overdue, 0, False),
        meetings=[],
        minutes=Page([], 3, 0, False),
    )


def test_a_secretariat_of_thirty_covenants_gets_summaries_not_an_overflow() -> None:
    viewer = Viewer(
        slack_user_id="U1",
        language="en",
        timezone="Europe/Amsterdam",
        person_id=1,
        name="S",
        organisation_id=1,
        organisation_name="SER",
    )
    runs = [_section(f"c{n:02d}", overdue=n) for n in range(30)]
    board = Dashboard(
        viewer=viewer,
        mine=[r.covenant for r in runs],
        everything=[r.covenant for r in runs],
        companies=[],
        secretariat=runs,
        my_meetings=[],
        my_deadlines=[],
        today=date(2026, 11, 23),
    )
    view = home_view(board)
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS and check_view(view, published=True) is None
    text = str(view["blocks"])
    assert "More covenants you run" in text
    assert all(f"Convenant c{n:02d}" in text or f"`c{n:02d}`" in text for n in range(30))


def test_home_buttons_reopen_for_the_clicking_user_only(slack: SlackHarness) -> None:
    _, args = _home(slack, FATIMA)
    args["view"]["blocks"].append(  # type: ignore[index]
        {"type": "actions", "elements": [{"type": "button", "action_id": "home_less", "value": "x"}]}
    )
    click(slack, slack.standin.calls_to("views.publish")[0], "home_less", FATIMA)
    again = slack.standin.wait_for("views.publish", count=2)[1]
    assert again.args["user_id"] == FATIMA

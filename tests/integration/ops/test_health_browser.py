"""In a browser: the ops page marks a processor red when /healthz fails it, whatever its lag, and says why."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from auction.processors import processor_named
from streams.runtime.run import isolated
from tests.integration.conftest import serving_web
from tests.integration.ops.status_server import HEALTHY, StatusServer

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "ops"
TIMEOUT_MS = 20_000
NEVER_OVER = "1000000000000"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_ops_page_marks_a_processor_that_health_fails_and_says_why(
    processor_env, provisioned_topics, tmp_path, page, client, person
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    suffix = processor_env["STREAMS_NAME_SUFFIX"]
    group = {name: isolated(processor_named(name), suffix).name for name in ("bidding", "projector")}
    with (
        StatusServer({**HEALTHY, "processor": group["bidding"], "instance": "bidding-0"}) as bidding,
        StatusServer({**HEALTHY, "processor": group["projector"], "instance": "projector-0"}) as projector,
    ):
        env = {
            **processor_env,
            "OPS_METRICS_TARGETS": f"bidding={bidding.metrics_url},projector={projector.metrics_url}",
            "OPS_LAG_THRESHOLDS": f"bidding={NEVER_OVER},projector={NEVER_OVER}",
            "OPS_REFRESH_SECONDS": "1",
        }
        with serving_web(env, tmp_path / "web.log") as url:  # healthy while it starts: it waits for a 200
            projector.status.update(tasks_held=[], partitions_held=[], ready=False)
            client.force_login(person("operator", is_staff=True))
            page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}])
            page.goto(f"{url}/ops/")

            stuck = page.locator("#ops-processors tr[data-processor=projector]")
            expect(stuck).to_have_attribute("data-health", "failing", timeout=TIMEOUT_MS)
            expect(stuck).to_have_class("failing")
            expect(stuck).to_contain_text("holds 0 of 6 partitions")
            expect(stuck.locator("td").nth(3)).to_have_text("1 of 1")
            expect(stuck.locator("td").nth(4)).to_have_text("0 of 6")
            fine = page.locator("#ops-processors tr[data-processor=bidding]")
            expect(fine).to_have_attribute("data-health", "ok")
            expect(fine).not_to_have_class("failing")
            expect(fine.locator("td").nth(4)).to_have_text("6 of 6")
            expect(page.locator("tr[data-processor=live]")).to_have_attribute("data-health", "unwatched")
            expect(page.locator("#ops-health")).to_have_attribute("data-status", "failing")
            expect(page.locator("#ops-health")).to_contain_text("projector: holds 0 of 6 partitions")
            page.screenshot(path=ARTIFACTS / "ops-health-failing.png", full_page=True)

            projector.status.update(tasks_held=list(range(6)), partitions_held=HEALTHY["partitions_held"], ready=True)
            expect(stuck).to_have_attribute("data-health", "ok", timeout=TIMEOUT_MS)
            expect(stuck).not_to_have_class("failing")
            expect(page.locator("#ops-health")).to_have_attribute("data-status", "ok")

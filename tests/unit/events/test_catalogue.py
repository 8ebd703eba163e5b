import json
import shutil

from streams import catalogue
from streams.events import ALL_EVENTS
from streams.topics import REGISTRY


def test_committed_catalogue_matches_the_code():
    assert catalogue.stale_files() == [], "run `python -m streams.catalogue --write` and commit docs/"


def test_check_reports_an_edited_or_extra_file_and_write_repairs_it(tmp_path, capsys):
    shutil.copytree(catalogue.REPO_ROOT / "docs", tmp_path / "docs")
    markdown = tmp_path / catalogue.MARKDOWN
    markdown.write_text(markdown.read_text().replace("forever", "a week"))
    (tmp_path / catalogue.SCHEMA_DIR / "auction.bid.retracted.v1.json").write_text("{}")

    assert catalogue.main(["--check", "--root", str(tmp_path)]) == 1
    assert "docs/reference/events.md" in capsys.readouterr().out
    assert set(catalogue.stale_files(tmp_path)) == {
        "docs/reference/events.md",
        "docs/reference/schemas/auction.bid.retracted.v1.json",
    }

    assert catalogue.main(["--write", "--root", str(tmp_path)]) == 0
    assert catalogue.main(["--check", "--root", str(tmp_path)]) == 0


def test_markdown_documents_every_topic_and_event():
    text = catalogue.markdown()
    for topic in REGISTRY:
        assert f"### `{topic.name}`" in text
        assert f"| consumers | {', '.join(topic.consumers)} |" in text
        assert f"`{topic.cleanup_policy}`" in text
    for event_class in ALL_EVENTS:
        assert f"### {event_class.__name__}\n" in text
        assert f"`{event_class.type}`" in text
        for field in event_class.model_fields:
            assert f"| `{field}` |" in text


def test_asyncapi_describes_topics_as_kafka_channels_with_their_messages():
    document = catalogue.asyncapi()
    assert document["asyncapi"] == "3.0.0"
    channels = {channel["address"]: channel for channel in document["channels"].values()}
    assert set(channels) == {topic.name for topic in REGISTRY}
    for topic in REGISTRY:
        kafka = channels[topic.name]["bindings"]["kafka"]
        assert kafka["partitions"] == topic.partitions
        assert kafka["topicConfiguration"]["cleanup.policy"] == [topic.cleanup_policy]
        assert set(channels[topic.name].get("messages", {})) == {cls.__name__ for cls in topic.events}
    assert {op["action"] for op in document["operations"].values()} == {"send", "receive"}


def test_every_reference_in_the_asyncapi_document_resolves():
    document = catalogue.asyncapi()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_schema_files_are_the_event_schemas():
    for event_class in ALL_EVENTS:
        path = catalogue.REPO_ROOT / catalogue.SCHEMA_DIR / f"{event_class.type}.json"
        assert json.loads(path.read_text())["x-cloudevents-type"] == event_class.type

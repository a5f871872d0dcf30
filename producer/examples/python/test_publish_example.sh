#!/bin/sh
# Runs publish_example.py as the README shows it, against the ctest "kafka" fixture broker and
# a fresh topic, then checks with `ledger tail` that the C++ side decodes both events, that
# they are valid (`ledger publish` accepts them again) and that the headers are set.
# Usage: test_publish_example.sh LEDGER_BIN SOURCE_DIR VENV_DIR   (env: LEDGER_TEST_STATE_DIR)
# The virtual environment is cached in VENV_DIR (under the build dir): reruns skip pip.
set -eu
ledger=$1
src=$2
venv=$3
here=$src/producer/examples/python
bootstrap=$(head -n 1 "$LEDGER_TEST_STATE_DIR/kafka/bootstrap")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

stamp=$venv/.requirements
if ! cmp -s "$here/requirements.txt" "$stamp"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$stamp"
fi
py=$venv/bin/python

mkdir "$work/gen"
protoc -I "$src/events/proto" --python_out="$work/gen" "$src/events/proto/ledger/v1/events.proto"

topic=python-example.$$.$(date +%s%N)
"$py" - "$bootstrap" "$topic" <<'PY'
import sys
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({"bootstrap.servers": sys.argv[1]})
futures = admin.create_topics([NewTopic(sys.argv[2], num_partitions=3, replication_factor=1)])
futures[sys.argv[2]].result(30)
PY

# The example, run as written.
(cd "$work" && PYTHONPATH=gen "$py" "$here/publish_example.py" "$bootstrap" "$topic")

"$ledger" tail -b "$bootstrap" -t "$topic" > "$work/tail.jsonl"
"$py" - "$work/tail.jsonl" "$work/events.jsonl" <<'PY'
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
assert len(lines) == 2, lines
events = [line["event"] for line in lines]
assert [e["agent_id"] for e in events] == ["py-agent-1"] * 2, events
assert "decision_made" in events[0] and "order_placed" in events[1], events
assert [e["sequence"] for e in events] == ["1", "2"], events
assert events[1]["causation_id"] == events[0]["event_id"], events
assert lines[0]["partition"] == lines[1]["partition"] and lines[0]["key"] == "py-agent-1"
with open(sys.argv[2], "w") as out:
    for e in events:
        out.write(json.dumps(e) + "\n")
print("ledger tail decoded both events")
PY

# Valid by the C++ rules: `ledger publish` accepts them (exit 0) and republishes them.
"$ledger" publish -b "$bootstrap" -t "$topic" "$work/events.jsonl"

"$py" - "$bootstrap" "$topic" <<'PY'
import sys
from confluent_kafka import Consumer, TopicPartition
consumer = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "check",
                     "enable.auto.commit": False})
low, high = 0, 0
seen = []
for p in range(3):
    low, high = consumer.get_watermark_offsets(TopicPartition(sys.argv[2], p), 10)
    if high > low:
        consumer.assign([TopicPartition(sys.argv[2], p, low)])
        while len(seen) < 4:
            msg = consumer.poll(10)
            assert msg is not None and msg.error() is None, msg and msg.error()
            seen.append(dict((k, v.decode()) for k, v in msg.headers()))
consumer.close()
assert len(seen) == 4, seen  # two from Python, two from `ledger publish`
for headers in seen:
    assert headers["ce_specversion"] == "1.0" and headers["content-type"] == "application/protobuf"
    assert headers["ce_source"] == "/agents/py-agent-1", headers
assert [h["ce_type"] for h in seen] == ["ledger.v1.DecisionMade", "ledger.v1.OrderPlaced"] * 2
assert seen[0]["ce_id"] == seen[2]["ce_id"] and seen[0]["ce_time"] == seen[2]["ce_time"], seen
print("CloudEvents headers match between Python and C++")
PY

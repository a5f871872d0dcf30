"""Publish ledger events from Python: a decision and the order it caused.

    protoc -I events/proto --python_out=gen events/proto/ledger/v1/events.proto
    pip install 'confluent-kafka>=2.0,<3' 'protobuf>=4.21,<5'
    PYTHONPATH=gen python publish_example.py 127.0.0.1:9092 ledger.events
"""
import sys
import uuid

from confluent_kafka import Producer
from ledger.v1 import events_pb2 as ledger

brokers = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"
topic = sys.argv[2] if len(sys.argv) > 2 else "ledger.events"
AGENT_ID = "py-agent-1"
SESSION = str(uuid.uuid4())  # one per process; with `sequence` it lets the ledger spot gaps
sequence = 0
failed = 0

producer = Producer({
    "bootstrap.servers": brokers,
    "enable.idempotence": True,         # retries never duplicate or reorder
    "acks": "all",
    "partitioner": "murmur2_random",    # an agent's partition, as from the C++ Publisher
})


def on_delivery(err, msg):
    global failed
    if err is not None:
        failed += 1
        print(f"not delivered: {err}", file=sys.stderr)
    else:
        print(f"delivered to partition {msg.partition()} at offset {msg.offset()}")


def publish(event: ledger.Event) -> ledger.Event:
    global sequence
    sequence += 1
    event.event_id = str(uuid.uuid4())  # the idempotency key
    event.agent_id, event.session, event.sequence = AGENT_ID, SESSION, sequence
    event.occurred_at.GetCurrentTime()
    payload = getattr(event, event.WhichOneof("payload"))
    producer.produce(
        topic,
        key=AGENT_ID,  # all of an agent's events in one partition, in order
        value=event.SerializeToString(),
        headers=[  # CloudEvents Kafka binding: route and filter without decoding
            ("ce_specversion", "1.0"),
            ("ce_id", event.event_id),
            ("ce_type", "ledger.v1." + payload.DESCRIPTOR.name),
            ("ce_source", "/agents/" + AGENT_ID),
            ("ce_time", event.occurred_at.ToJsonString()),
            ("content-type", "application/protobuf"),
        ],
        on_delivery=on_delivery,
    )
    producer.poll(0)  # serve delivery reports
    return event


decision = publish(ledger.Event(decision_made=ledger.DecisionMade(
    decision_id=str(uuid.uuid4()), action=ledger.DecisionMade.OPEN_LONG, symbol="BTC",
    size_usd="1000", leverage=2, confidence="0.82", status=ledger.DecisionMade.SUCCESS,
    reasoning="Breakout above resistance with rising volume.")))
publish(ledger.Event(
    correlation_id=decision.decision_made.decision_id, causation_id=decision.event_id,
    order_placed=ledger.OrderPlaced(
        order_id="py-order-1", decision_id=decision.decision_made.decision_id, symbol="BTC",
        side=ledger.OrderPlaced.BUY, order_type=ledger.OrderPlaced.MARKET, quantity="0.015")))

left = producer.flush(10)  # seconds; what is still queued was not delivered
sys.exit(1 if left or failed else 0)

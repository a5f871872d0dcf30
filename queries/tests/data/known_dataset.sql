-- A small known data set for the named-query and audit tests, inserted directly into a migrated
-- schema (search_path set by the test). Two agents, one decision each plus a HOLD, three orders
-- (filled, partially filled, canceled), three fills, a reject naming order o-1, archive rows of
-- decision d-1's correlation.
INSERT INTO agents (agent_id, name, llm_model, max_leverage, initial_balance, strategy_id, status,
                    registered_at, first_seen_at, updated_at)
VALUES ('agent-a', 'Alpha', 'gpt-x', 5, 10000, 'trend', 'active',
        '2026-01-05 09:00:00+00', '2026-01-05 09:00:00+00', '2026-01-05 09:00:00+00'),
       ('agent-b', 'Beta', 'claude-y', 3, 5000, 'meanrev', 'paused',
        '2026-01-05 09:00:00+00', '2026-01-05 09:00:00+00', '2026-01-05 11:00:00+00');

INSERT INTO agent_status (agent_id, status, health_score, last_heartbeat, marks, heartbeat_count,
                          updated_at)
VALUES ('agent-a', 'online', 0.95, '2026-01-05 12:00:00+00', '{"BTC-USD": "43000"}', 12,
        '2026-01-05 12:00:00+00');

INSERT INTO decisions (decision_id, agent_id, occurred_at, action, symbol, size_usd, leverage,
                       confidence, reasoning, prompt_content, llm_response, strategy_id, event_id,
                       correlation_id, kafka_partition, kafka_offset)
VALUES ('00000000-0000-7000-8000-0000000000d1', 'agent-a', '2026-01-05 10:00:00+00', 'OPEN_LONG',
        'BTC-USD', 3000, 2, 0.8, 'breakout above resistance', 'PROMPT: should I buy?',
        'RESPONSE: buy 0.07 BTC', 'trend', '00000000-0000-7000-8000-0000000000e1', 'corr-1', 0, 10),
       ('00000000-0000-7000-8000-0000000000d2', 'agent-a', '2026-01-05 11:00:00+00', 'HOLD',
        'BTC-USD', 0, 1, 0.4, 'no edge', NULL, NULL, 'trend',
        '00000000-0000-7000-8000-0000000000e2', 'corr-2', 0, 20),
       ('00000000-0000-7000-8000-0000000000d3', 'agent-b', '2026-01-05 10:30:00+00', 'OPEN_SHORT',
        'ETH-USD', 1000, 1, 0.6, 'overbought', NULL, NULL, 'meanrev',
        '00000000-0000-7000-8000-0000000000e3', 'corr-3', 1, 5);

INSERT INTO orders (agent_id, order_id, decision_id, strategy_id, symbol, side, order_type,
                    quantity, price, status, filled_quantity, remaining_quantity,
                    average_fill_price, fees_paid, fill_count, placed_at, first_fill_at,
                    last_fill_at, filled_at, canceled_at, closed_at, reason, updated_at,
                    last_event_id)
VALUES ('agent-a', 'o-1', '00000000-0000-7000-8000-0000000000d1', 'trend', 'BTC-USD', 'buy',
        'market', 0.07, NULL, 'filled', 0.07, 0, 42950, 3.01, 2, '2026-01-05 10:00:01+00',
        '2026-01-05 10:00:02+00', '2026-01-05 10:00:03+00', '2026-01-05 10:00:03+00', NULL,
        '2026-01-05 10:00:03+00', NULL, '2026-01-05 10:00:03+00',
        '00000000-0000-7000-8000-0000000000f2'),
       ('agent-a', 'o-2', '00000000-0000-7000-8000-0000000000d1', 'trend', 'BTC-USD', 'sell',
        'limit', 0.05, 44000, 'partially_filled', 0.02, 0.03, 44000, 0.88, 1,
        '2026-01-05 10:05:00+00', '2026-01-05 10:40:00+00', '2026-01-05 10:40:00+00', NULL, NULL,
        NULL, NULL, '2026-01-05 10:40:00+00', '00000000-0000-7000-8000-0000000000f3'),
       ('agent-b', 'o-3', '00000000-0000-7000-8000-0000000000d3', 'meanrev', 'ETH-USD', 'sell',
        'limit', 1.5, 2300, 'canceled', 0, 1.5, NULL, 0, 0, '2026-01-05 10:30:01+00', NULL, NULL,
        NULL, '2026-01-05 10:50:00+00', '2026-01-05 10:50:00+00', 'timeout',
        '2026-01-05 10:50:00+00', '00000000-0000-7000-8000-0000000000c3');

INSERT INTO order_events (agent_id, order_id, event_type, from_status, to_status, reason,
                          fill_id, occurred_at, event_id, kafka_partition, kafka_offset)
VALUES ('agent-a', 'o-1', 'order_placed', NULL, 'new', NULL, NULL, '2026-01-05 10:00:01+00',
        '00000000-0000-7000-8000-0000000000a1', 0, 11),
       ('agent-a', 'o-1', 'order_filled', 'new', 'partially_filled', NULL, 'f-1',
        '2026-01-05 10:00:02+00', '00000000-0000-7000-8000-0000000000f1', 0, 12),
       ('agent-a', 'o-1', 'order_filled', 'partially_filled', 'filled', NULL, 'f-2',
        '2026-01-05 10:00:03+00', '00000000-0000-7000-8000-0000000000f2', 0, 13),
       ('agent-a', 'o-2', 'order_placed', NULL, 'new', NULL, NULL, '2026-01-05 10:05:00+00',
        '00000000-0000-7000-8000-0000000000a2', 0, 14),
       ('agent-a', 'o-2', 'order_filled', 'new', 'partially_filled', NULL, 'f-3',
        '2026-01-05 10:40:00+00', '00000000-0000-7000-8000-0000000000f3', 0, 16),
       ('agent-b', 'o-3', 'order_placed', NULL, 'new', NULL, NULL, '2026-01-05 10:30:01+00',
        '00000000-0000-7000-8000-0000000000a3', 1, 6),
       ('agent-b', 'o-3', 'order_canceled', 'new', 'canceled', 'timeout',
        NULL, '2026-01-05 10:50:00+00', '00000000-0000-7000-8000-0000000000c3', 1, 7);

INSERT INTO fills (agent_id, order_id, fill_id, symbol, side, price, quantity, fee, fee_currency,
                   liquidity, notional, occurred_at, decision_id, strategy_id, event_id,
                   correlation_id, kafka_partition, kafka_offset)
VALUES ('agent-a', 'o-1', 'f-1', 'BTC-USD', 'buy', 42900, 0.03, 1.29, 'USD', 'taker', 1287,
        '2026-01-05 10:00:02+00', '00000000-0000-7000-8000-0000000000d1', 'trend',
        '00000000-0000-7000-8000-0000000000f1', 'corr-1', 0, 12),
       ('agent-a', 'o-1', 'f-2', 'BTC-USD', 'buy', 42987.5, 0.04, 1.72, 'USD', 'taker', 1719.5,
        '2026-01-05 10:00:03+00', '00000000-0000-7000-8000-0000000000d1', 'trend',
        '00000000-0000-7000-8000-0000000000f2', 'corr-1', 0, 13),
       ('agent-a', 'o-2', 'f-3', 'BTC-USD', 'sell', 44000, 0.02, 0.88, 'USD', 'maker', 880,
        '2026-01-05 10:40:00+00', '00000000-0000-7000-8000-0000000000d1', 'trend',
        '00000000-0000-7000-8000-0000000000f3', 'corr-1', 0, 16);

INSERT INTO signals (signal_id, agent_id, strategy_id, symbol, signal_type, strength, confidence,
                     price, timeframe, indicators, occurred_at, event_id, kafka_partition,
                     kafka_offset)
VALUES ('00000000-0000-7000-8000-0000000000b1', 'agent-a', 'trend', 'BTC-USD', 'buy', 0.7, 0.8,
        42900, '1h', '{"rsi": 61}', '2026-01-05 09:59:00+00',
        '00000000-0000-7000-8000-0000000000b1', 0, 9);

INSERT INTO system_events (event_id, source, event_type, severity, component, message, agent_id,
                           occurred_at, kafka_partition, kafka_offset)
VALUES ('00000000-0000-7000-8000-0000000000aa', 'agent', 'startup', 'info', 'runner', 'started',
        'agent-a', '2026-01-05 09:00:00+00', 0, 1),
       ('00000000-0000-7000-8000-0000000000ab', 'derived', 'projection_reject', 'warning',
        'projector', 'overfill', 'agent-a', '2026-01-05 10:41:00+00', 0, 17);

INSERT INTO rejects (kafka_topic, kafka_partition, kafka_offset, event_id, agent_id, event_type,
                     reason, details, event_json, occurred_at)
VALUES ('ledger.events', 0, 17, '00000000-0000-7000-8000-0000000000ab', 'agent-a',
        'order_filled', 'overfill', 'fill of 0.1 exceeds remaining 0.03',
        '{"agent_id": "agent-a", "order_filled": {"order_id": "o-2", "fill_id": "f-4"}}',
        '2026-01-05 10:41:00+00');

INSERT INTO strategies (strategy_id, agent_id, first_seen_at, last_seen_at, decision_count,
                        signal_count, order_count, fill_count)
VALUES ('trend', 'agent-a', '2026-01-05 09:59:00+00', '2026-01-05 11:00:00+00', 2, 1, 2, 3),
       ('meanrev', 'agent-b', '2026-01-05 10:30:00+00', '2026-01-05 10:30:01+00', 1, 0, 1, 0);

INSERT INTO event_archive (event_id, agent_id, event_type, occurred_at, correlation_id,
                           causation_id, kafka_topic, kafka_partition, kafka_offset, payload)
VALUES ('00000000-0000-7000-8000-0000000000e1', 'agent-a', 'decision_made',
        '2026-01-05 10:00:00+00', 'corr-1', NULL, 'ledger.events', 0, 10, '\x00'),
       ('00000000-0000-7000-8000-0000000000a1', 'agent-a', 'order_placed',
        '2026-01-05 10:00:01+00', 'corr-1', '00000000-0000-7000-8000-0000000000e1',
        'ledger.events', 0, 11, '\x00'),
       ('00000000-0000-7000-8000-0000000000f1', 'agent-a', 'order_filled',
        '2026-01-05 10:00:02+00', 'corr-1', '00000000-0000-7000-8000-0000000000a1',
        'ledger.events', 0, 12, '\x00'),
       ('00000000-0000-7000-8000-0000000000e2', 'agent-a', 'decision_made',
        '2026-01-05 11:00:00+00', 'corr-2', NULL, 'ledger.events', 0, 20, '\x00');

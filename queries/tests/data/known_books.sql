-- The accounting rows (migration 0150) that go with known_dataset.sql: agent-a's BTC-USD
-- position after fills f-1, f-2 (buy 0.07 at an average 42950) and f-3 (sell 0.02 at 44000:
-- realized 0.02 x 1050 = 21 gross, 20.12 net of its fee), and one closed round trip of agent-b.
INSERT INTO positions (agent_id, symbol, position_number, side, quantity, average_entry_price,
                       cost_basis, realized_pnl_gross, fees_paid, realized_pnl_net, mark_price,
                       marked_at, unrealized_pnl, notional, leverage, margin_used, entry_quantity,
                       exit_quantity, peak_quantity, fill_count, opened_at, updated_at, status,
                       opening_decision_id, opening_order_id, strategy_id)
VALUES ('agent-a', 'BTC-USD', 1, 'long', 0.05, 42950, 2147.5, 21, 3.89, 17.11, 44000,
        '2026-01-05 10:40:00+00', 52.5, 2200, 2, 1100, 0.07, 0.02, 0.07, 3,
        '2026-01-05 10:00:02+00', '2026-01-05 10:40:00+00', 'open',
        '00000000-0000-7000-8000-0000000000d1', 'o-1', 'trend');

INSERT INTO position_changes (agent_id, symbol, position_number, change, fill_side, fill_price,
                              fill_quantity, quantity_before, quantity_after, side_after,
                              average_entry_price_after, realized_pnl_delta, fee, fill_id,
                              order_id, decision_id, strategy_id, occurred_at, event_id,
                              kafka_partition, kafka_offset)
VALUES ('agent-a', 'BTC-USD', 1, 'opened', 'buy', 42900, 0.03, 0, 0.03, 'long', 42900, 0, 1.29,
        'f-1', 'o-1', '00000000-0000-7000-8000-0000000000d1', 'trend', '2026-01-05 10:00:02+00',
        '00000000-0000-7000-8000-0000000000f1', 0, 12),
       ('agent-a', 'BTC-USD', 1, 'increased', 'buy', 42987.5, 0.04, 0.03, 0.07, 'long', 42950, 0,
        1.72, 'f-2', 'o-1', '00000000-0000-7000-8000-0000000000d1', 'trend',
        '2026-01-05 10:00:03+00', '00000000-0000-7000-8000-0000000000f2', 0, 13),
       ('agent-a', 'BTC-USD', 1, 'reduced', 'sell', 44000, 0.02, 0.07, 0.05, 'long', 42950, 21,
        0.88, 'f-3', 'o-2', '00000000-0000-7000-8000-0000000000d1', 'trend',
        '2026-01-05 10:40:00+00', '00000000-0000-7000-8000-0000000000f3', 0, 16);

INSERT INTO closed_positions (agent_id, symbol, position_number, side, strategy_id,
                              opening_decision_id, opening_order_id, entry_avg_price,
                              exit_avg_price, quantity, peak_quantity, opened_at, closed_at,
                              duration, gross_pnl, fees, net_pnl, outcome, ended_by_flip,
                              fill_count, decision_ids, order_ids, ids_truncated, event_id,
                              kafka_partition, kafka_offset)
VALUES ('agent-b', 'ETH-USD', 1, 'short', 'meanrev', '00000000-0000-7000-8000-0000000000d3', 'o-9',
        2300, 2250, 1, 1, '2026-01-05 09:10:00+00', '2026-01-05 09:40:00+00', '30 minutes', 50,
        2, 48, 'win', false, 2, '{00000000-0000-7000-8000-0000000000d3}', '{o-9}', false,
        '00000000-0000-7000-8000-0000000000c9', 1, 3);

INSERT INTO strategy_performance (agent_id, strategy_id, round_trips, wins, losses, breakevens,
                                  win_rate_pct, gross_profit, gross_loss, net_pnl, fees,
                                  updated_at)
VALUES ('agent-b', 'meanrev', 1, 1, 0, 0, 100, 50, 0, 48, 2, '2026-01-05 09:40:00+00');

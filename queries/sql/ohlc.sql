-- name: ohlc
-- description: OHLC buckets of fill prices per symbol (open, high, low, close, volume, notional, trades); bucket width --bucket (default 1 hour), aligned to the Unix epoch.
-- params: agent, symbol, strategy, since, until, limit, bucket
SELECT b.symbol, b.bucket_start, b.open, b.high, b.low, b.close, b.volume, b.notional, b.trades
  FROM (
    SELECT f.symbol,
           date_bin(coalesce($7::interval, interval '1 hour'), f.occurred_at,
                    timestamptz '1970-01-01 00:00:00+00') AS bucket_start,
           (array_agg(f.price ORDER BY f.occurred_at, f.kafka_partition, f.kafka_offset))[1] AS open,
           max(f.price) AS high,
           min(f.price) AS low,
           (array_agg(f.price ORDER BY f.occurred_at DESC, f.kafka_partition DESC,
                      f.kafka_offset DESC))[1] AS close,
           sum(f.quantity) AS volume,
           sum(f.notional) AS notional,
           count(*) AS trades
      FROM fills f
     WHERE ($1::text IS NULL OR f.agent_id = $1)
       AND ($2::text IS NULL OR f.symbol = $2)
       AND ($3::text IS NULL OR f.strategy_id = $3)
       AND ($4::timestamptz IS NULL OR f.occurred_at >= $4)
       AND ($5::timestamptz IS NULL OR f.occurred_at < $5)
     GROUP BY f.symbol, 2
  ) b
 ORDER BY b.symbol, b.bucket_start
 LIMIT $6::bigint

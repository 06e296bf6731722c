-- cart_abandoners (expert, ClickHouse): users with an add_to_cart in [now - 7d, now - 1h] and no purchase in (cart.ts, cart.ts + 1h],
-- one prefiltered scan of carts and purchases, the next strictly later purchase found with a window MIN (no self-join).
WITH ev AS (
  SELECT e.user_id, e.ts, e.event = 'purchase' AS is_purchase
  FROM bench.events AS e
  WHERE e.event IN ('add_to_cart', 'purchase')
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 7 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
),
nxt AS (
  SELECT
    user_id,
    ts,
    is_purchase,
    -- purchases at the same instant sort before the cart, so the frame holds only strictly later purchases
    min(CASE WHEN is_purchase THEN ts END) OVER (
      PARTITION BY user_id ORDER BY ts, is_purchase DESC
      ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
    ) AS next_purchase
  FROM ev
)
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT user_id
  FROM nxt
  WHERE NOT is_purchase
    AND ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 1 HOUR
    AND (next_purchase IS NULL OR next_purchase > ts + INTERVAL 1 HOUR)
);

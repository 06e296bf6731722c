-- big_spenders (expert, ClickHouse): users whose purchase amounts in [now - 365d, now] sum to more than 500, one filtered scan, grouped, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'purchase'
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 365 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
  GROUP BY e.user_id
  HAVING sum(e.amount) > 500
);

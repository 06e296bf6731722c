-- recent_login (expert, ClickHouse): users with a login in [now - 7d, now], one filtered scan of events, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'login'
    AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 7 DAY
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
);

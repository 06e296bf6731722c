-- lapsed (expert, ClickHouse): users whose latest login (ts <= now) is older than now - 30d, one filtered scan with MAX, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'login'
    AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
  GROUP BY e.user_id
  HAVING max(e.ts) < toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 30 DAY
);

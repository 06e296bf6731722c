-- daily_streak (naive): users with a login in each of the last 3 day-buckets aligned to now (bucket 0 includes now itself),
-- one IN subquery per bucket.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
    SELECT user_id FROM bench.events
    WHERE event = 'login'
      AND ts >= TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 1 DAY
      AND ts <= TIMESTAMP '2026-06-01 00:00:00')
  AND u.user_id IN (
    SELECT user_id FROM bench.events
    WHERE event = 'login'
      AND ts >= TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 2 DAY
      AND ts < TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 1 DAY)
  AND u.user_id IN (
    SELECT user_id FROM bench.events
    WHERE event = 'login'
      AND ts >= TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 3 DAY
      AND ts < TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 2 DAY);

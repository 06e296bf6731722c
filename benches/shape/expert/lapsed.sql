-- lapsed (expert): users whose latest login (ts <= now) is older than now - 30d, one filtered scan with MAX, semi-joined to the universe.
SELECT u.user_id
FROM bench.users AS u
WHERE u.user_id IN (
  SELECT e.user_id
  FROM bench.events AS e
  WHERE e.event = 'login'
    AND e.ts <= TIMESTAMP '2026-06-01 00:00:00'
  GROUP BY e.user_id
  HAVING max(e.ts) < TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 30 DAY
);

-- recent_login (naive): every user with a correlated EXISTS for a login in [now - 7d, now].
SELECT u.user_id
FROM bench.users AS u
WHERE EXISTS (
  SELECT 1
  FROM bench.events AS e
  WHERE e.user_id = u.user_id
    AND e.event = 'login'
    AND e.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 7 DAY AND TIMESTAMP '2026-06-01 00:00:00'
);

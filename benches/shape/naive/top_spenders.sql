-- top_spenders (naive): each user's purchase sum in [now - 365d, now] (0 when none) by a correlated subquery, then a correlated
-- COUNT of users with a strictly greater sum, kept when that count * 100 < 20 * (number of users).
WITH scores AS (
  SELECT
    u.user_id,
    (SELECT coalesce(sum(e.amount), 0)
     FROM bench.events AS e
     WHERE e.user_id = u.user_id
       AND e.event = 'purchase'
       AND e.ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 365 DAY AND TIMESTAMP '2026-06-01 00:00:00') AS score
  FROM bench.users AS u
)
SELECT s.user_id
FROM scores AS s
WHERE (SELECT count(*) FROM scores AS o WHERE o.score > s.score) * 100
      < 20 * (SELECT count(*) FROM bench.users);

-- za_pro_buyers (naive): ZA users on the pro plan, with an IN subquery for a purchase in [now - 90d, now] and a NOT IN
-- subquery for a refund in [now - 90d, now].
SELECT u.user_id
FROM bench.users AS u
WHERE u.country = 'ZA'
  AND u.plan = 'pro'
  AND u.user_id IN (
    SELECT user_id FROM bench.events
    WHERE event = 'purchase'
      AND ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 90 DAY AND TIMESTAMP '2026-06-01 00:00:00')
  AND u.user_id NOT IN (
    SELECT user_id FROM bench.events
    WHERE event = 'refund'
      AND ts BETWEEN TIMESTAMP '2026-06-01 00:00:00' - INTERVAL 90 DAY AND TIMESTAMP '2026-06-01 00:00:00');

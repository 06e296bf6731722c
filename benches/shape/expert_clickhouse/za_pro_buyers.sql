-- za_pro_buyers (expert, ClickHouse): ZA users on the pro plan with a purchase and no refund in [now - 90d, now],
-- one prefiltered scan of purchases and refunds with filtered aggregates, joined to the filtered users.
SELECT u.user_id
FROM bench.users AS u
WHERE u.country = 'ZA'
  AND u.plan = 'pro'
  AND u.user_id IN (
    SELECT e.user_id
    FROM bench.events AS e
    WHERE e.event IN ('purchase', 'refund')
      AND e.ts >= toDateTime64('2026-06-01 00:00:00', 6, 'UTC') - INTERVAL 90 DAY
      AND e.ts <= toDateTime64('2026-06-01 00:00:00', 6, 'UTC')
    GROUP BY e.user_id
    HAVING countIf(e.event = 'refund') = 0
  );

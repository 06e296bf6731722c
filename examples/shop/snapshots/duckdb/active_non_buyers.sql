WITH
  "active_non_buyers__scan" AS (
    SELECT
      "user_id" AS user_id,
      COUNT(*) AS count_1
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("ts" >= ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '7 days'))
    GROUP BY "user_id"
  ),
  "active_non_buyers__history" AS (
    SELECT
      "user_id" AS user_id,
      MIN("ts") FILTER (WHERE "event" = 'signup') AS first_1,
      COUNT(*) FILTER (WHERE "event" = 'purchase') AS count_2
    FROM "shop"."events"
    WHERE ("ts" <= (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
      AND ("event" IN ('purchase', 'signup'))
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "active_non_buyers__scan" AS s ON s.user_id = u."user_id"
LEFT JOIN "active_non_buyers__history" AS h ON h.user_id = u."user_id"
WHERE (COALESCE(s.count_1, 0) >= 1)
  AND (NOT COALESCE((h.first_1 IS NOT NULL) AND (h.first_1 >= ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') - INTERVAL '14 days')), FALSE))
  AND (NOT (COALESCE(h.count_2, 0) >= 1))

WITH
  "active_non_buyers__scan" AS (
    SELECT
      "user_id" AS user_id,
      COUNT(*) AS count_1
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 7 DAY))
    GROUP BY "user_id"
  ),
  "active_non_buyers__history" AS (
    SELECT
      "user_id" AS user_id,
      MIN(CASE WHEN "event" = 'signup' THEN "ts" END) AS first_1,
      COUNT(CASE WHEN "event" = 'purchase' THEN 1 END) AS count_2
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" IN ('purchase', 'signup'))
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "active_non_buyers__scan" AS s ON s.user_id = u."user_id"
LEFT JOIN "active_non_buyers__history" AS h ON h.user_id = u."user_id"
WHERE (COALESCE(s.count_1, 0) >= 1)
  AND (NOT COALESCE((h.first_1 IS NOT NULL) AND (h.first_1 >= (now64(6, 'UTC') - INTERVAL 14 DAY)), FALSE))
  AND (NOT (COALESCE(h.count_2, 0) >= 1))
SETTINGS join_use_nulls = 1

WITH
  "lifecycle__scan" AS (
    SELECT
      "user_id" AS user_id,
      COUNT(CASE WHEN "ts" >= (now64(6, 'UTC') - INTERVAL 7 DAY) THEN 1 END) AS count_1,
      COUNT(CASE WHEN "ts" < (now64(6, 'UTC') - INTERVAL 7 DAY) THEN 1 END) AS count_2,
      COUNT(*) AS count_3
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 30 DAY))
    GROUP BY "user_id"
  ),
  "lifecycle__history" AS (
    SELECT
      "user_id" AS user_id,
      MIN("ts") AS first_1
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" = 'signup')
    GROUP BY "user_id"
  )
SELECT
  user_id,
  arm
FROM (
  SELECT
    u."user_id" AS user_id,
    CASE WHEN COALESCE((h.first_1 IS NOT NULL) AND (h.first_1 >= (now64(6, 'UTC') - INTERVAL 14 DAY)), FALSE) THEN 'new' WHEN COALESCE(s.count_1, 0) >= 1 THEN 'active' WHEN COALESCE(s.count_2, 0) >= 1 THEN 'at_risk' WHEN NOT (COALESCE(s.count_3, 0) >= 1) THEN 'churned' END AS arm
  FROM "shop"."users" AS u
  LEFT JOIN "lifecycle__scan" AS s ON s.user_id = u."user_id"
  LEFT JOIN "lifecycle__history" AS h ON h.user_id = u."user_id"
) AS assigned
WHERE arm IS NOT NULL
SETTINGS join_use_nulls = 1

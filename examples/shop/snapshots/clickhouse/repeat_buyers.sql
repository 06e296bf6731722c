WITH
  "repeat_buyers__scan" AS (
    SELECT
      "user_id" AS user_id,
      COUNT(*) AS count_1,
      COUNT(CASE WHEN COALESCE(CASE WHEN JSONType("properties", 'amount') IN ('Int64', 'UInt64', 'Double') THEN JSONExtractFloat("properties", 'amount') END > 100, FALSE) THEN 1 END) AS count_2
    FROM "shop"."events"
    WHERE ("ts" <= now64(6, 'UTC'))
      AND ("event" = 'purchase')
      AND ("ts" >= (now64(6, 'UTC') - INTERVAL 90 DAY))
    GROUP BY "user_id"
  )
SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
LEFT JOIN "repeat_buyers__scan" AS s ON s.user_id = u."user_id"
WHERE (COALESCE(s.count_1, 0) >= 3)
  AND (COALESCE(s.count_2, 0) >= 1)
SETTINGS join_use_nulls = 1
